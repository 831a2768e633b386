import type { CommandResult, Context } from "../context.js";
import { ExitCode } from "../errors.js";
import type { Spinner } from "../output.js";
import { withPipelineHints } from "./errors.js";
import { retrying } from "./retrying.js";
import { ONE_LINE, sanitizeForTerminal } from "../terminal.js";
import { progressLine, watchExecution } from "./watch.js";

/** What `pipeline start --wait` and `pipeline watch` print: one document at the end. */
export interface ExecutionResult {
  pipeline: string;
  executionId: string;
  status: string;
}

export const TIMEOUT_HELP = "give up waiting after this many seconds (exit 1; the execution goes on)";
export const INTERVAL_HELP = "seconds between polls, ±20 % jitter (doubles while throttled)";

/**
 * Follows an execution: a live stage line on a terminal, one line per stage change in CI logs,
 * one notice per approval it waits on. Exit 0 Succeeded, 1 any other end or a timeout.
 */
export async function followExecution(
  ctx: Context,
  pipeline: string,
  executionId: string,
  timeoutS: number | undefined,
  intervalS = 5,
): Promise<CommandResult<ExecutionResult>> {
  const api = retrying(await ctx.services.codepipeline(), { sleep: ctx.services.sleep, random: ctx.services.random, signal: ctx.signal, attempts: 3 });
  const label = `${pipeline} ${executionId}`;
  let spinner: Spinner = ctx.out.spinner(`${label}: InProgress`);
  let line = "";
  const seen = new Map<string, string>();
  const say = (message: string) => {
    // The spinner owns the terminal line: stop it, print, start a new one.
    spinner.stop();
    ctx.out.info(message);
    spinner = ctx.out.spinner(line || `${label}: InProgress`);
  };

  let outcome;
  try {
    outcome = await withPipelineHints(pipeline, () =>
      watchExecution(
        { pipeline, executionId, timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000, intervalMs: intervalS * 1000 },
        {
          api,
          sleep: ctx.services.sleep,
          random: ctx.services.random,
          now: ctx.now,
          signal: ctx.signal,
          onProgress(status, stages) {
            line = sanitizeForTerminal(`${pipeline} ${progressLine(status, stages)}`, { max: 160, oneLine: true });
            spinner.update(line);
            if (ctx.out.interactive) return;
            for (const s of stages) {
              if (seen.get(s.stage) === s.status) continue;
              seen.set(s.stage, s.status);
              ctx.out.info(`${pipeline}: ${sanitizeForTerminal(s.stage, ONE_LINE)} ${s.status}`);
            }
          },
          onApproval({ stage, action }) {
            say(
              `${pipeline} is waiting for approval at ${sanitizeForTerminal(stage, ONE_LINE)}/${sanitizeForTerminal(action, ONE_LINE)} — ` +
                `approve with: awsblog approve --pipeline ${pipeline} --stage ${sanitizeForTerminal(stage, ONE_LINE)} --action ${sanitizeForTerminal(action, ONE_LINE)}`,
            );
          },
        },
      ),
    );
  } finally {
    spinner.stop();
  }

  const data = { pipeline, executionId, status: outcome.status };
  const text = `${label}: ${outcome.status}`;
  if (outcome.interrupted) {
    ctx.out.info(`stopped watching ${label}; the execution goes on`);
    return { data, text, exitCode: ExitCode.interrupted };
  }
  if (outcome.timedOut) {
    return {
      data,
      text,
      exitCode: ExitCode.failure,
      failure: {
        message: `gave up after ${timeoutS} s waiting for ${label} (still ${outcome.status})`,
        hint: `it goes on: rerun \`awsblog pipeline watch ${pipeline} --execution-id ${executionId}\` or raise --timeout`,
      },
    };
  }
  if (outcome.status !== "Succeeded") {
    const why = outcome.statusSummary ? `: ${sanitizeForTerminal(outcome.statusSummary, ONE_LINE)}` : "";
    return { data, text, exitCode: ExitCode.failure, failure: { message: `${label} ended ${outcome.status}${why}`, hint: `see \`awsblog pipeline status ${pipeline}\`` } };
  }
  return { data, text };
}
