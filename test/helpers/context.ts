import { Readable } from "node:stream";
import { createAwsClientFactory } from "../../src/lib/aws/factory.js";
import type { Context } from "../../src/lib/context.js";
import { createOutput } from "../../src/lib/output.js";
import { createServices, type Services } from "../../src/lib/services.js";

/**
 * A Context for calling library code that takes one directly, with captured stdout/stderr.
 * AWS clients are real (tests mock their send with aws-sdk-client-mock) unless `services`
 * replaces them. Commands are tested through `awsblog()` in ./in-process.ts instead.
 */
export interface TestContextOptions {
  format?: "text" | "json";
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  signal?: AbortSignal;
  services?: Partial<Services>;
  now?: () => Date;
  region?: string;
  /** --debug: debug lines go to stderr. */
  debug?: boolean;
  /** The host takes results as they are written (the CLI's stdout): `-o json` documents may stream. */
  streaming?: boolean;
}

export function testContext(options: TestContextOptions = {}) {
  const format = options.format ?? "json";
  const region = options.region ?? "us-east-1";
  const stdout: string[] = [];
  const stderr: string[] = [];
  const controller = new AbortController();
  const signal = options.signal ?? controller.signal;
  const stderrSink = { write: (chunk: string) => stderr.push(chunk) };
  const out = createOutput({
    format,
    quiet: false,
    color: false,
    debug: options.debug ?? false,
    streaming: options.streaming ?? false,
    stdout: { write: (chunk: string) => stdout.push(chunk) },
    stderr: stderrSink,
    env: {},
  });
  const env = options.env ?? { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };
  const aws = createAwsClientFactory({ region, userAgent: { name: "awsblog", version: "test" } });
  const ctx: Context = {
    globals: { output: format, color: false, quiet: false, debug: options.debug ?? false, region },
    out,
    signal,
    services: createServices({ aws, signal, env }, options.services),
    env,
    stdin: Readable.from([options.stdin ?? ""]),
    stderr: stderrSink,
    now: options.now ?? (() => new Date("2026-11-25T00:00:00Z")),
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
