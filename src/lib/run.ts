import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { createAwsClientFactory } from "./aws/factory.js";
import type { CommandHandler, Context, GlobalOptions } from "./context.js";
import { ExitCode, exitCodeOf, formatError } from "./errors.js";
import { createOutput, type Output } from "./output.js";
import { version } from "./version.js";

/**
 * Glue between commander and a command module: loads the module only when the command runs,
 * builds the context from the global options, prints the result through the output layer
 * and turns errors into the contract's one-line message and exit code.
 */
export function action<O>(load: () => Promise<CommandHandler<O>>) {
  return async (...argv: unknown[]): Promise<void> => {
    const command = argv[argv.length - 1] as Command;
    const globals = readGlobals(command);
    const out = createOutput({ ...globals, format: globals.output, stdout: process.stdout, stderr: process.stderr });
    const interrupt = installInterruptHandler(out);
    const ctx: Context = {
      globals,
      out,
      aws: createAwsClientFactory({
        region: globals.region,
        profile: globals.profile,
        endpointUrl: globals.endpointUrl,
        userAgent: { name: "awsblog", version: version() },
        debug: globals.debug ? (message) => out.debug(message) : undefined,
      }),
      signal: interrupt.signal,
      env: process.env,
      stdin: process.stdin,
      now: () => new Date(),
    };
    let code: number = ExitCode.ok;
    try {
      const handler = await load();
      const result = await handler(command.opts() as O, ctx, command.args);
      if (result) {
        out.result(result.data, result.text);
        code = result.exitCode ?? ExitCode.ok;
      }
    } catch (error) {
      code = exitCodeOf(error);
      reportError(error, out, globals.debug);
    } finally {
      interrupt.dispose();
      writeCallStats(ctx);
    }
    finish(interrupt.signal.aborted ? ExitCode.interrupted : code);
  };
}

export function readGlobals(command: Command): GlobalOptions {
  const all = command.optsWithGlobals() as Partial<GlobalOptions>;
  return {
    region: all.region,
    profile: all.profile,
    endpointUrl: all.endpointUrl,
    output: all.output === "json" ? "json" : "text",
    color: all.color !== false,
    quiet: Boolean(all.quiet),
    debug: Boolean(all.debug),
  };
}

export function reportError(error: unknown, out: Pick<Output, "debug">, debug: boolean): void {
  process.stderr.write(`${formatError(error)}\n`);
  if (!debug) return;
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    out.debug(current.stack ?? String(current));
    current = current.cause;
  }
}

/**
 * First Ctrl-C aborts the context's signal so loops finish the work in hand; a second one
 * exits at once. Either way the exit code is 130.
 */
function installInterruptHandler(out: Output) {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    out.info("interrupted — finishing work in flight (Ctrl-C again to stop now)");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
    },
  };
}

/** Benchmarks set AWSBLOG_STATS_FILE to learn how many AWS calls a run made, per operation. */
function writeCallStats(ctx: Context): void {
  const file = ctx.env.AWSBLOG_STATS_FILE;
  if (!file) return;
  // Sync on purpose: this runs once at exit and must land before the process ends.
  writeFileSync(file, `${JSON.stringify(Object.fromEntries(ctx.aws.calls))}\n`);
}

/** Sets the exit code and lets stdout drain; lingering keep-alive sockets cannot hold the exit. */
export function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 200).unref();
}
