import type { AwsClientFactory } from "./aws/factory.js";
import type { Output, OutputFormat } from "./output.js";

/** Options every command accepts (contract §1), before or after the subcommand. */
export interface GlobalOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  output: OutputFormat;
  color: boolean;
  quiet: boolean;
  debug: boolean;
}

/** Everything a command may touch, passed in so tests can hand in their own. */
export interface Context {
  globals: GlobalOptions;
  out: Output;
  aws: AwsClientFactory;
  /** Aborted on Ctrl-C: loops stop taking new work and finish what is in hand. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  now: () => Date;
}

/** What a command hands back: data for --output json, text for humans, and an exit code. */
export interface CommandResult<T = unknown> {
  data: T;
  text?: string;
  /** 0 by default; 3 for findings, 4 for partial failure. */
  exitCode?: number;
}

/** A command implementation: parsed options (and positional args) in, a result out. */
export type CommandHandler<O = Record<string, unknown>> = (
  options: O,
  ctx: Context,
  args: string[],
) => Promise<CommandResult | void>;
