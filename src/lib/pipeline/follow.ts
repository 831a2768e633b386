import type { ActionExecutionView, CodePipelineApi } from "../aws/codepipeline.js";
import type { CommandResult, Context } from "../context.js";
import { ExitCode } from "../errors.js";
import type { Spinner } from "../output.js";
import { withPipelineHints } from "./errors.js";
import { consoleUrl, explainFailures, failedFromExecutions, failureText, type FailedAction } from "./explain.js";
import { appendStepSummary, errorAnnotation, inGithubActions, summaryMarkdown } from "./github.js";
import { retrying } from "./retrying.js";
import { ONE_LINE, sanitizeForTerminal } from "../terminal.js";
import { progressLine, stageProgress, watchExecution, type StageProgress } from "./watch.js";

/** What `pipeline start --wait` and `pipeline watch` print: one document at the end. */
export interface ExecutionResult {
  pipeline: string;
  executionId: string;
  status: string;
  consoleUrl?: string;
  /** When the run ended other than Succeeded: what failed and why. */
  failedActions?: FailedAction[];
}

export const TIMEOUT_HELP = "give up waiting after this many seconds (exit 1; the execution goes on)";
export const INTERVAL_HELP = "least seconds between calls, plus 0–20 % jitter (status and stage progress alternate; doubles while throttled)";

export interface FollowOptions {
  timeoutS?: number;
  intervalS?: number;
  /** Lines of a failed CodeBuild action's log to show (0: none). */
  logLines?: number;
  /** A call was just made (start, the latest run's lookup): wait one interval first. */
  waitFirst?: boolean;
}

/**
 * Follows an execution: a live stage line on a terminal, one line per stage change in CI logs
 * (folded in a group under GitHub Actions), one notice per approval it waits on. At a failed
 * end it says which actions failed, why, their links and build log tails. Exit 0 Succeeded,
 * 1 any other end or a timeout.
 */
export async function followExecution(ctx: Context, pipeline: string, executionId: string, options: FollowOptions = {}): Promise<CommandResult<ExecutionResult>> {
  const { timeoutS, intervalS = 5, logLines = 30 } = options;
  const api = retrying(await ctx.services.codepipeline(), { sleep: ctx.services.sleep, random: ctx.services.random, signal: ctx.signal, attempts: 3 });
  const github = inGithubActions(ctx.env);
  const label = `${pipeline} ${executionId}`;
  let spinner: Spinner = ctx.out.spinner(`${label}: InProgress`);
  let line = "";
  let stages: StageProgress[] = [];
  const seen = new Map<string, string>();
  const say = (message: string) => {
    // The spinner owns the terminal line: stop it, print, start a new one.
    spinner.stop();
    ctx.out.info(message);
    spinner = ctx.out.spinner(line || `${label}: InProgress`);
  };

  if (github) ctx.out.annotate(`::group::pipeline ${label}`);
  let outcome;
  try {
    outcome = await withPipelineHints(pipeline, () =>
      watchExecution(
        { pipeline, executionId, timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000, intervalMs: intervalS * 1000, waitFirst: options.waitFirst },
        {
          api,
          sleep: ctx.services.sleep,
          random: ctx.services.random,
          now: ctx.now,
          signal: ctx.signal,
          onProgress(status, progress) {
            stages = progress;
            line = sanitizeForTerminal(`${pipeline} ${progressLine(status, progress)}`, { max: 160, oneLine: true });
            spinner.update(line);
            if (ctx.out.interactive) return;
            for (const s of progress) {
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
    if (github) ctx.out.annotate("::endgroup::");
  }

  const link = consoleUrl(await api.region(), pipeline, executionId);
  const data: ExecutionResult = { pipeline, executionId, status: outcome.status, consoleUrl: link };
  const text = `${label}: ${outcome.status}`;
  if (outcome.interrupted) {
    ctx.out.info(`stopped watching ${label}; the execution goes on`);
    return { data, text, exitCode: ExitCode.interrupted };
  }
  const ended = !outcome.timedOut;
  const failed = ended && outcome.status !== "Succeeded";
  if (failed || github) {
    // One more look at this run's actions (paced like the polls): the failed ones, the final stages.
    const actions = await finalActions(ctx, api, pipeline, executionId);
    if (actions) stages = stageProgress(actions);
    if (failed) data.failedActions = actions ? await explainFailures(ctx, failedFromExecutions(actions), logLines) : [];
  }
  if (data.failedActions?.length || failed) ctx.out.info(failureText(data.failedActions ?? [], link));
  if (github) {
    for (const f of data.failedActions ?? []) ctx.out.annotate(errorAnnotation(f));
    await appendStepSummary(ctx, summaryMarkdown({ pipeline, executionId, status: outcome.timedOut ? `${outcome.status} (gave up waiting)` : outcome.status, consoleUrl: link, stages, failedActions: data.failedActions ?? [] }));
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
  if (failed) {
    const first = data.failedActions?.[0];
    const where = first ? ` at ${sanitizeForTerminal(first.stage, ONE_LINE)}/${sanitizeForTerminal(first.action, ONE_LINE)}` : "";
    const why = first?.summary ?? outcome.statusSummary;
    const hint = first && outcome.status === "Failed" ? `retry the stage with \`awsblog pipeline retry ${pipeline} --stage ${sanitizeForTerminal(first.stage, ONE_LINE)}\`` : `see \`awsblog pipeline status ${pipeline}\``;
    return { data, text, exitCode: ExitCode.failure, failure: { message: `${label} ended ${outcome.status}${where}${why ? `: ${sanitizeForTerminal(why, ONE_LINE)}` : ""}`, hint } };
  }
  return { data, text };
}

async function finalActions(ctx: Context, api: CodePipelineApi, pipeline: string, executionId: string): Promise<ActionExecutionView[] | undefined> {
  try {
    await ctx.services.sleep(1000, ctx.signal);
    return await api.listActionExecutions(pipeline, executionId);
  } catch (error) {
    ctx.out.warn(`could not list the actions of ${pipeline} ${executionId}: ${sanitizeForTerminal((error as Error).message, ONE_LINE)}`);
    return undefined;
  }
}
