import { PassThrough } from "node:stream";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import type { Context } from "../../../src/lib/context.js";
import { createOutput } from "../../../src/lib/output.js";

/** A Context whose stdout/stderr are captured; AWS clients are real (tests mock their send). */
export function fakeContext(format: "text" | "json" = "json") {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const controller = new AbortController();
  const out = createOutput({
    format,
    quiet: false,
    color: false,
    debug: false,
    stdout: { write: (chunk: string) => stdout.push(chunk) },
    stderr: { write: (chunk: string) => stderr.push(chunk) },
    env: {},
  });
  const ctx: Context = {
    globals: { output: format, color: false, quiet: false, debug: false, region: "us-east-1" },
    out,
    aws: createAwsClientFactory({ region: "us-east-1", userAgent: { name: "awsblog", version: "test" } }),
    signal: controller.signal,
    env: { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
    stdin: new PassThrough(),
    now: () => new Date("2026-11-25T00:00:00Z"),
  };
  return {
    ctx,
    controller,
    stdout: () => stdout.join(""),
    stderr: () => stderr.join(""),
    /** stdout as parsed JSON Lines. */
    lines: () =>
      stdout
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
