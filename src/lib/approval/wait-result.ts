import type { ExecutionsApi } from "../aws/sfn.js";
import type { CommandResult, Context } from "../context.js";
import { ExitCode, formatError } from "../errors.js";
import { ONE_LINE, sanitizeForTerminal } from "../terminal.js";
import { executionName } from "./arns.js";
import { waitForExecution } from "./wait.js";

/** `approval start --wait`'s JSON: the start's fields, then how the execution ended. */
export interface WaitedResult {
  executionArn: string;
  startDate: string;
  status: string;
  stopDate?: string;
  /** The execution's output, parsed when it is JSON (it always is for Step Functions). */
  output?: unknown;
  error?: string;
  cause?: string;
}

/** The longest cause shown in text (AWS allows 32,768 characters; JSON keeps all of it). */
const CAUSE_TEXT_MAX = 4_000;

/**
 * Waits for a started execution and turns how it ended into the command's result: its output
 * (exit 0), its error and cause (exit 1), a timeout (exit 1) or Ctrl-C (exit 130) — in the last
 * two the execution goes on and its ARN is the text result.
 */
export async function waitedResult(
  ctx: Context,
  api: Pick<ExecutionsApi, "describeExecution">,
  started: { executionArn: string; startDate: string },
  options: { timeoutS?: number; intervalS: number },
): Promise<CommandResult<WaitedResult>> {
  const arn = started.executionArn;
  const name = sanitizeForTerminal(executionName(arn), ONE_LINE);
  const follow = `awsblog approval tail ${arn} --follow`;
  if (/:express:/.test(arn)) {
    return {
      data: { ...started, status: "RUNNING" },
      text: arn,
      exitCode: ExitCode.failure,
      failure: { message: `cannot wait for ${name}: express executions cannot be described`, hint: "use a standard state machine, or read the result from its CloudWatch Logs" },
    };
  }
  if (!ctx.out.interactive) ctx.out.info(`waiting for ${arn} (Ctrl-C stops waiting, not the execution)`);
  const spinner = ctx.out.spinner(`${name}: RUNNING`);
  const since = ctx.services.monotonicNow();
  let outcome;
  try {
    outcome = await waitForExecution(
      arn,
      { intervalMs: options.intervalS * 1000, timeoutMs: options.timeoutS === undefined ? undefined : options.timeoutS * 1000 },
      {
        api: {
          describeExecution: async (executionArn) => {
            const status = await api.describeExecution(executionArn);
            spinner.update(`${name}: ${sanitizeForTerminal(status.status, ONE_LINE)} for ${Math.round((ctx.services.monotonicNow() - since) / 1000)} s`);
            return status;
          },
        },
        sleep: ctx.services.sleep,
        random: ctx.services.random,
        monotonicNow: ctx.services.monotonicNow,
        signal: ctx.signal,
        onRetry: (error) => ctx.out.warn(`${formatError(error).replace(/^awsblog: /, "")}; polling less often`),
      },
    );
  } finally {
    spinner.stop();
  }

  const data: WaitedResult = { ...started, status: outcome.status };
  if (outcome.stopDate) data.stopDate = outcome.stopDate.toISOString();
  if (outcome.output !== undefined) data.output = parseOutput(outcome.output);
  if (outcome.error !== undefined) data.error = outcome.error;
  if (outcome.cause !== undefined) data.cause = outcome.cause;

  if (outcome.interrupted) {
    ctx.out.info(`stopped waiting; the execution goes on: ${arn}`);
    return { data, text: arn, exitCode: ExitCode.interrupted };
  }
  if (outcome.timedOut) {
    return {
      data,
      text: arn,
      exitCode: ExitCode.failure,
      failure: { message: `gave up after ${options.timeoutS} s waiting for ${name} (still ${outcome.status})`, hint: `it goes on: follow it with \`${follow}\`, or raise --timeout` },
    };
  }
  if (outcome.status === "SUCCEEDED") return { data, text: sanitizeForTerminal(outcome.output ?? "") };

  const error = sanitizeForTerminal(outcome.error ?? "", ONE_LINE);
  const lines = [`status: ${outcome.status}`];
  if (outcome.error) lines.push(`error: ${error}`);
  if (outcome.cause) lines.push(`cause: ${sanitizeForTerminal(outcome.cause, CAUSE_TEXT_MAX)}`);
  return {
    data,
    text: lines.join("\n"),
    exitCode: ExitCode.failure,
    failure: { message: `execution ${name} ended ${outcome.status}${error ? `: ${error}` : ""}`, hint: `see what happened: \`awsblog approval tail ${arn}\`` },
  };
}

function parseOutput(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
