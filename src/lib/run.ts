import { createAwsClientFactory, type AwsClientFactory } from "./aws/factory.js";
import type { AnyCommandSpec } from "./command.js";
import type { Context, GlobalOptions, Io } from "./context.js";
import { describeError, ExitCode, exitCodeOf, FailureError, formatError } from "./errors.js";
import { createOutput, type Output } from "./output.js";
import { createServices } from "./services.js";
import { version } from "./version.js";

/**
 * Runs one declared command: builds the context from the global options and `io`, calls the
 * handler, prints its result through the output layer (and, for a result that is also a
 * failure, the failure line after it) and turns errors into the contract's one-line message. Returns the exit code; only `bin/awsblog.js` exits the process.
 */
export async function runCommand(
  spec: AnyCommandSpec,
  options: Record<string, unknown>,
  args: Record<string, unknown>,
  globals: GlobalOptions,
  io: Io,
  cli: Pick<Context, "commandTree"> = {},
): Promise<number> {
  const out = createOutput({ ...globals, format: globals.output, stdout: io.stdout, stderr: io.stderr, env: io.env, streaming: true });
  try {
    await out.prepare(); // a bad --query is a usage error before the command does anything
  } catch (error) {
    reportError(error, out);
    return exitCodeOf(error);
  }
  const interrupt = listenForInterrupt(io, out);
  // The client factory is built here and handed only to the services (ctx.services); its
  // call counts go to io.onCalls when the command ends.
  const aws = createAwsClientFactory({
    region: globals.region,
    profile: globals.profile,
    endpointUrl: globals.endpointUrl,
    userAgent: { name: "awsblog", version: version() },
    timeouts: {
      ...(globals.readTimeout !== undefined ? { readMs: globals.readTimeout * 1000 } : {}),
      ...(globals.connectTimeout !== undefined ? { connectMs: globals.connectTimeout * 1000 } : {}),
    },
    env: io.env,
    debug: globals.debug ? (message) => out.debug(message) : undefined,
    // Ctrl-C abandons reads in flight at once; writes run to their end.
    interrupt: interrupt.signal,
  });
  const ctx = createContext({ globals, out, aws, signal: interrupt.signal, io, commandTree: cli.commandTree });
  let code: number = ExitCode.ok;
  try {
    const result = await spec.run(options as never, ctx, args);
    if (result) {
      // Cut short by Ctrl-C: the last line of a text result says so (JSON has exit code 130).
      const cut = interrupt.signal.aborted && result.text ? `${result.text.replace(/\n+$/, "")}\n${INTERRUPTED_NOTE}` : result.text;
      out.result(result.data, cut);
      code = result.exitCode ?? (result.failure ? ExitCode.failure : ExitCode.ok);
      if (result.failure) out.error(formatError(new FailureError(result.failure.message, result.failure.hint)));
    }
  } catch (error) {
    code = exitCodeOf(error);
    reportError(error, out);
  } finally {
    interrupt.dispose();
    io.onCalls?.(aws.calls);
  }
  return interrupt.signal.aborted ? ExitCode.interrupted : code;
}

/**
 * A run's Context: the services over this run's client factory (the only holder of it), with
 * `io`'s fakes on top, and `io`'s env, stdin, stderr and clock. The CLI and the scheduled
 * Lambda both build theirs here.
 */
export function createContext(parts: {
  globals: GlobalOptions;
  out: Output;
  aws: AwsClientFactory;
  signal: AbortSignal;
  io: Pick<Io, "env" | "stdin" | "stderr" | "now" | "services">;
  commandTree?: Context["commandTree"];
}): Context {
  const { globals, out, aws, signal, io, commandTree } = parts;
  return {
    globals,
    out,
    signal,
    services: createServices({ aws, signal, env: io.env }, io.services),
    env: io.env,
    stdin: io.stdin,
    stderr: io.stderr,
    now: io.now ?? (() => new Date()),
    commandTree,
  };
}

export const INTERRUPTED_NOTE = "interrupted (Ctrl-C): the result above may be incomplete";

/** The contract's one error line, and under --debug the stack and its causes. */
export function reportError(error: unknown, out: Pick<Output, "error" | "debug">): void {
  out.error(formatError(error));
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    out.debug(describeError(current));
    if (current instanceof Error && current.stack) out.debug(current.stack);
    current = (current as { cause?: unknown }).cause;
  }
}

/**
 * First Ctrl-C aborts the context's signal so loops finish the work in hand; a second one
 * leaves at once. Either way the exit code is 130.
 */
function listenForInterrupt(io: Io, out: Output) {
  const controller = new AbortController();
  const dispose = io.onInterrupt(() => {
    if (controller.signal.aborted) {
      io.exitNow(ExitCode.interrupted);
      return;
    }
    out.info("interrupted — finishing work in flight (Ctrl-C again to stop now)");
    controller.abort();
  });
  return { signal: controller.signal, dispose };
}
