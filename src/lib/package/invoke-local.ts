import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractZip } from "./extract.js";

/** A Lambda-like context: enough for handlers that read the deadline and request id. */
export function fakeContext(functionName: string, timeoutMs: number, now: () => number = Date.now) {
  const deadline = now() + timeoutMs;
  return {
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "128",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
  };
}

export interface LocalInvocation {
  result: unknown;
  durationMs: number;
}

/**
 * Runs a built zip as Lambda would: extracted to a fresh directory (so a missing exec bit
 * or file shows up here, not after deploying), handler called with a context whose deadline
 * is `timeoutMs` away. The directory is removed afterwards. The wrapper's task root is its own
 * directory (the extracted one) unless LAMBDA_TASK_ROOT is set, which awsblog never sets:
 * this process's environment is not ours to change.
 */
export async function invokeZipLocally(zipPath: string, handler: string, event: unknown, timeoutMs: number, signal?: AbortSignal): Promise<LocalInvocation> {
  const dir = await mkdtemp(join(tmpdir(), "awsblog-run-"));
  try {
    await extractZip(zipPath, dir);
    const dot = handler.lastIndexOf(".");
    const file = join(dir, `${handler.slice(0, dot)}.js`);
    const exported = createRequire(join(dir, "index.cjs"))(file) as Record<string, unknown>;
    const fn = exported[handler.slice(dot + 1)];
    if (typeof fn !== "function") throw new Error(`${handler}: the module exports no such function`);
    // The program runs in its own process group, out of reach of the terminal's Ctrl-C.
    const stop = () => (exported.killRunning as (() => void) | undefined)?.();
    signal?.addEventListener("abort", stop);
    const started = Date.now();
    try {
      const result: unknown = await fn(event, fakeContext(handler.slice(0, dot), timeoutMs));
      return { result, durationMs: Date.now() - started };
    } finally {
      signal?.removeEventListener("abort", stop);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
