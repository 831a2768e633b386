import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractZip } from "./extract.js";
import { runBootstrap, type BootstrapRun, type BootstrapRunOptions } from "./run-bootstrap.js";

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
 * Runs a built zip as Lambda would: extracted once to a fresh directory (so a missing exec
 * bit or file shows up here, not after deploying), the handler called for each event in turn
 * with a context whose deadline is `timeoutMs` away. The first failure rejects (its
 * `eventIndex` says which). The directory is removed afterwards. The wrapper's task root is
 * its own directory (the extracted one) unless LAMBDA_TASK_ROOT is set, which awsblog never
 * sets: this process's environment is not ours to change.
 */
export async function invokeZipLocally(zipPath: string, handler: string, events: unknown[], timeoutMs: number, signal?: AbortSignal): Promise<LocalInvocation[]> {
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
    const results: LocalInvocation[] = [];
    try {
      for (const [index, event] of events.entries()) {
        if (signal?.aborted) break;
        const started = performance.now();
        try {
          const result: unknown = await fn(event, fakeContext(handler.slice(0, dot), timeoutMs));
          results.push({ result, durationMs: Math.round((performance.now() - started) * 100) / 100 });
        } catch (error) {
          throw Object.assign(error as Error, { eventIndex: index });
        }
      }
      return results;
    } finally {
      signal?.removeEventListener("abort", stop);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Extracts a provided.al2023 zip to a fresh directory and serves `events` to its bootstrap. */
export async function runZipBootstrap(zipPath: string, options: Omit<BootstrapRunOptions, "dir" | "functionName" | "handler"> & { functionName?: string }): Promise<BootstrapRun> {
  const dir = await mkdtemp(join(tmpdir(), "awsblog-run-"));
  try {
    await extractZip(zipPath, dir);
    return await runBootstrap({ ...options, dir, functionName: options.functionName ?? "local", handler: "bootstrap" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
