import type { CompletionNode } from "./completion.js";
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
  /**
   * The whole command tree with every command's options (for `awsblog completion`). The CLI
   * (src/cli.ts, which owns the manifest) provides it, so no command imports the manifest;
   * a context built elsewhere (a Lambda handler, a unit test) has none.
   */
  commandTree?: () => Promise<CompletionNode>;
}

/** What a command hands back: data for --output json, text for humans, an exit code, a failure line. */
export interface CommandResult<T = unknown> {
  data: T;
  text?: string;
  /** 0 by default (1 with a `failure`); 3 for findings, 4 for partial failure. */
  exitCode?: number;
  /**
   * A result that is also a failure (an HTTP 404 whose body is the result, a pipeline run that
   * ended Failed): the result is printed, then the framework writes the contract's one line
   * `awsblog: <message> — <hint>` on stderr. Commands never write that line themselves.
   */
  failure?: { message: string; hint: string };
}
