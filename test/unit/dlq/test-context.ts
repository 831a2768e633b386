import { Readable } from "node:stream";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import type { Context } from "../../../src/lib/context.js";
import { createOutput } from "../../../src/lib/output.js";

/** A Context for calling a command function directly; stderr is captured for assertions. */
export function testContext(signal: AbortSignal = new AbortController().signal) {
  const stderr: string[] = [];
  const sink = { write: (chunk: string) => stderr.push(chunk) };
  const ctx: Context = {
    globals: { region: "us-east-1", output: "json", color: false, quiet: false, debug: false },
    out: createOutput({ format: "json", quiet: false, color: false, debug: false, stdout: { write: () => true }, stderr: sink }),
    aws: createAwsClientFactory({ region: "us-east-1", userAgent: { name: "awsblog", version: "test" } }),
    signal,
    env: {},
    stdin: Readable.from([]),
    now: () => new Date("2026-11-25T00:00:00Z"),
  };
  return { ctx, stderr };
}
