import type { ActionType, CodePipelineApi, JobView } from "../aws/codepipeline.js";
import { AwsError, formatError } from "../errors.js";
import { isThrottling, isTransient } from "../retry.js";
import { jobEnvironment } from "./job-env.js";
import { runJobCommand, type CommandOutcome } from "./run-command.js";
import { clean, cleanTail } from "./text.js";

/**
 * The post's integration-test step as a custom-action job worker: PollForJobs →
 * AcknowledgeJob (with the job's nonce, so two workers never run one job) → run the command →
 * PutJobSuccessResult (summary: the last stdout line) or PutJobFailureResult JobFailed (exit
 * code and stderr tail). Once acknowledged, a job always gets a result — on timeout and on
 * Ctrl-C too — so the pipeline never waits for a job nobody runs.
 */
export interface JobWorkerSettings {
  actionType: ActionType;
  command: string;
  args: string[];
  once: boolean;
  /** Limit on each job's command. */
  timeoutMs: number;
  /** Pause between empty polls (jittered ±20 %). */
  intervalMs?: number;
}

export interface JobReport {
  jobId: string;
  pipeline: string;
  stage: string;
  action: string;
  result: "succeeded" | "failed";
  exitCode: number | null;
}

export interface JobWorkerHooks {
  api: CodePipelineApi;
  stackOutputs(stackName: string): Promise<Record<string, string>>;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  onJob(report: JobReport): void;
  onNotice(message: string): void;
  echo?(chunk: string): void;
}

export interface JobWorkerSummary {
  polls: number;
  jobs: number;
  failed: number;
}

export const SUMMARY_MAX = 2048;
const FAILURE_MESSAGE_MAX = 5000;
const MAX_IDLE_MS = 60_000;

export async function runJobWorker(settings: JobWorkerSettings, hooks: JobWorkerHooks): Promise<JobWorkerSummary> {
  const summary: JobWorkerSummary = { polls: 0, jobs: 0, failed: 0 };
  const base = settings.intervalMs ?? 5_000;
  let interval = base;
  while (!hooks.signal.aborted) {
    let jobs: JobView[] = [];
    try {
      summary.polls++;
      jobs = await hooks.api.pollForJobs(settings.actionType, 1);
      interval = base;
    } catch (error) {
      if (hooks.signal.aborted) break;
      if (settings.once || (!isTransient(error) && !isThrottling(error))) throw error;
      interval = Math.min(MAX_IDLE_MS, interval * 2);
      hooks.onNotice(`poll failed, retrying in ~${Math.round(interval / 1000)} s: ${formatError(error).replace(/^awsblog: /, "")}`);
    }
    for (const job of jobs) {
      const report = await handleJob(job, settings, hooks);
      if (!report) continue;
      summary.jobs++;
      if (report.result === "failed") summary.failed++;
      hooks.onJob(report);
    }
    if (settings.once) break;
    if (jobs.length === 0) await hooks.sleep(Math.round(interval * (0.8 + 0.4 * hooks.random())), hooks.signal);
  }
  return summary;
}

async function handleJob(job: JobView, settings: JobWorkerSettings, hooks: JobWorkerHooks): Promise<JobReport | undefined> {
  const where = `${clean(job.pipeline)} ${clean(job.stage)}/${clean(job.action)} job ${job.id}`;
  try {
    const status = await hooks.api.acknowledgeJob(job.id, job.nonce);
    if (status !== "InProgress") {
      hooks.onNotice(`skipped ${where}: it is ${clean(status)}, not InProgress`);
      return undefined;
    }
  } catch (error) {
    // Another worker took it (nonce), or CodePipeline gave up on it: not ours to run.
    if (error instanceof AwsError && /InvalidNonce|InvalidJobState|JobNotFound/.test(error.code)) {
      hooks.onNotice(`skipped ${where}: ${error.code}`);
      return undefined;
    }
    throw error;
  }

  const report = (result: JobReport["result"], exitCode: number | null): JobReport => ({
    jobId: job.id,
    pipeline: job.pipeline,
    stage: job.stage,
    action: job.action,
    result,
    exitCode,
  });

  let outputs: Record<string, string> = {};
  const stackName = job.configuration.StackName;
  if (stackName) {
    try {
      outputs = await hooks.stackOutputs(stackName);
    } catch (error) {
      // Ctrl-C abandons the read at once; the job is still reported, never left hanging.
      const message = hooks.signal.aborted
        ? "interrupted: the worker was stopped (Ctrl-C) before the command ran"
        : `could not read the outputs of stack ${stackName}: ${formatError(error).replace(/^awsblog: /, "")}`;
      await reportFailure(job, message, hooks);
      return report("failed", null);
    }
  }

  hooks.onNotice(`running ${where}: ${settings.command}`);
  const outcome = await runJobCommand(settings.command, settings.args, {
    env: jobEnvironment(hooks.env, job, outputs),
    timeoutMs: settings.timeoutMs,
    signal: hooks.signal,
    echo: hooks.echo,
  });
  if (outcome.exitCode === 0 && !outcome.timedOut && !outcome.interrupted) {
    const summaryLine = clean(outcome.lastLine, SUMMARY_MAX) || "succeeded (exit code 0, no output)";
    await reportOutcome(job, () => hooks.api.putJobSuccessResult(job.id, summaryLine), hooks);
    return report("succeeded", 0);
  }
  await reportFailure(job, failureMessage(outcome, settings), hooks);
  return report("failed", outcome.exitCode);
}

/** `exit code 3` / `timed out after 600 s` / `interrupted …`, then the tail of stderr. */
export function failureMessage(outcome: CommandOutcome, settings: Pick<JobWorkerSettings, "timeoutMs" | "command">): string {
  const head = outcome.spawnError
    ? outcome.spawnError
    : outcome.interrupted
      ? "interrupted: the worker was stopped (Ctrl-C) before the command finished"
      : outcome.timedOut
        ? `timed out after ${Math.round(settings.timeoutMs / 1000)} s`
        : outcome.signal
          ? `killed by ${outcome.signal}`
          : `exit code ${outcome.exitCode}`;
  const tail = cleanTail(outcome.stderrTail, FAILURE_MESSAGE_MAX - head.length - 12);
  return tail ? `${head}; stderr:\n${tail}` : head;
}

async function reportFailure(job: JobView, message: string, hooks: JobWorkerHooks): Promise<void> {
  await reportOutcome(job, () => hooks.api.putJobFailureResult(job.id, message.slice(0, FAILURE_MESSAGE_MAX)), hooks);
}

/** A result CodePipeline refuses (the job timed out there meanwhile) is said, not fatal. */
async function reportOutcome(job: JobView, put: () => Promise<void>, hooks: JobWorkerHooks): Promise<void> {
  try {
    await put();
  } catch (error) {
    if (error instanceof AwsError && /InvalidJobState|JobNotFound/.test(error.code)) {
      hooks.onNotice(`CodePipeline no longer takes a result for job ${job.id} (${error.code}): it timed out or was stopped there`);
      return;
    }
    throw error;
  }
}
