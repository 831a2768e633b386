import type { Output, OutputFormat, OutputStream } from "./output.js";
import type { Services } from "./services.js";

/** Options every command accepts (contract §1), before or after the subcommand. */
export interface GlobalOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  output: OutputFormat;
  color: boolean;
  quiet: boolean;
  debug: boolean;
  /** JMESPath applied to the result's JSON form (`--query`). */
  query?: string;
  /** `--cli-read-timeout` / `--cli-connect-timeout` in seconds; 0 = no limit. */
  readTimeout?: number;
  connectTimeout?: number;
}

/**
 * The process as the CLI sees it. `bin/awsblog.js` passes the real one; tests pass captured
 * streams, their own env and stdin, a pinned clock and fake services, and run the real CLI
 * in-process.
 */
export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Calls `handler` on Ctrl-C (SIGINT) and SIGTERM; returns the function that stops listening. */
  onInterrupt(handler: () => void): () => void;
  /** Leave now with this code (a second Ctrl-C). */
  exitNow(code: number): void;
  now?: () => Date;
  /** Test seams: replace any AWS API the commands use. */
  services?: Partial<Services>;
  /** Called once per command run with the AWS calls made, keyed `Service.Operation`. */
  onCalls?(calls: ReadonlyMap<string, number>): void;
}

/** Everything a command may touch, passed in so tests can hand in their own. */
export interface Context {
  globals: GlobalOptions;
  out: Output;
  /** Lazily built AWS APIs: `await ctx.services.sqs()` (the only holder of the client factory). */
  services: Services;
  /** Aborted on Ctrl-C: loops stop taking new work and finish what is in hand. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Where prompts go (the terminal), never stdout. */
  stderr: OutputStream;
  now: () => Date;
}

/** What a command hands back: data for --output json, text for humans, and an exit code. */
export interface CommandResult<T = unknown> {
  data: T;
  text?: string;
  /** 0 by default; 3 for findings, 4 for partial failure. */
  exitCode?: number;
}
