import type { ActivityTask, ActivityWorkerApi } from "../aws/sfn.js";
import type { Mailer } from "../aws/ses.js";
import { AwsError, NoAnswerError, UsageError, formatError } from "../errors.js";
import type { Output } from "../output.js";
import { backoffMs, isTransient, sleep as realSleep } from "../retry.js";
import { UndeliverableTaskError, approvalEmail, recipientOf } from "./email.js";
import { approvalLinks } from "./links.js";
import { buildMime } from "./mime.js";

/**
 * The activity worker of the post, as a loop: long-poll GetActivityTask, turn each task into
 * approve/reject links, then mail them (SES) or print them (one JSON line per task).
 */
export interface WorkerSettings {
  activityArn: string;
  baseUrl: URL;
  workerName: string;
  once: boolean;
  /** Tasks handled at a time; each free slot keeps one long poll open (default 1). */
  concurrency?: number;
  email?: { from: string; toField: string };
}

export interface WorkerDeps {
  activity: ActivityWorkerApi;
  mailer?: Mailer;
  out: Output;
  signal: AbortSignal;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface WorkerSummary {
  polls: number;
  tasks: number;
  emailed: number;
  failed: number;
}

/** The error name a task gets when its mail could not be sent; a state machine can Retry on it. */
export const EMAIL_NOT_SENT = "EmailNotSent";
const MIN_EMPTY_POLL_MS = 1_000;

export async function runWorker(settings: WorkerSettings, deps: WorkerDeps): Promise<WorkerSummary> {
  const { out, signal } = deps;
  const summary: WorkerSummary = { polls: 0, tasks: 0, emailed: 0, failed: 0 };
  const slots = Math.max(1, settings.concurrency ?? 1);
  const onAbort = () =>
    out.info(
      slots === 1
        ? "waiting for the current poll to return (up to 60 s): AWS may already be handing it a task, which would otherwise be lost"
        : `waiting for the polls in flight to return (up to 60 s) and the tasks in hand to be handled: AWS may already be handing them tasks, which would otherwise be lost`,
    );
  // A --once run (cron) checks the activity with an ordinary call first: a poll is held 60 s
  // by design, so only a call with the usual read limit tells a dead endpoint (or a wrong ARN)
  // within seconds instead of after the poll's 70 s and its retry.
  if (settings.once) await checkActivity(deps.activity, settings.activityArn);
  // Ends every slot's loop: Ctrl-C, or an error one slot cannot go on from. A poll in flight
  // is never aborted (see onAbort); it returns, its task is handled, then the slot stops.
  const halt = new AbortController();
  const stop = () => halt.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  signal.addEventListener("abort", stop, { once: true });
  if (signal.aborted) stop();
  try {
    const ends = await Promise.allSettled(
      Array.from({ length: slots }, () =>
        pollLoop(settings, { ...deps, signal: halt.signal }, summary).catch((error: unknown) => {
          stop();
          throw error;
        }),
      ),
    );
    const failed = ends.find((end): end is PromiseRejectedResult => end.status === "rejected");
    if (failed) throw failed.reason;
  } finally {
    signal.removeEventListener("abort", onAbort);
    signal.removeEventListener("abort", stop);
  }
  return summary;
}

/** One slot: poll, handle the task, poll again — until `deps.signal` (the worker's halt) fires. */
async function pollLoop(settings: WorkerSettings, deps: WorkerDeps, summary: WorkerSummary): Promise<void> {
  const { out, signal } = deps;
  const sleep = deps.sleep ?? realSleep;
  let failures = 0;
  while (!signal.aborted) {
    let task: ActivityTask | undefined;
    const started = Date.now();
    try {
      // Not aborted on Ctrl-C on purpose: see runWorker's onAbort.
      task = await deps.activity.getActivityTask(settings.activityArn, settings.workerName);
      failures = 0;
    } catch (error) {
      // The client already retried the call (throttling and 5xx keep their attempts, a
      // no-answer is retried once): --once ends there with one error line, within the call's
      // bound; a long-running worker waits and polls again.
      if (settings.once) throw error;
      if (!isTransient(error) && !(error instanceof NoAnswerError)) throw error;
      failures++;
      // The n-th failure in a row waits 1–2 s, then up to 4 s, … doubling to a 60 s cap.
      const delay = backoffMs(failures - 1, { baseMs: 1_000, capMs: 60_000, minMs: 1_000, random: deps.random });
      out.warn(`${formatError(error).replace(/^awsblog: /, "")}; retrying in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, signal);
      continue;
    }
    summary.polls++;
    if (task) {
      summary.tasks++;
      await handleTask(task, settings, deps, summary);
    } else {
      out.debug("no task in this poll");
      // AWS holds an empty poll for 60 s; an endpoint that answers at once must not be hammered.
      const elapsed = Date.now() - started;
      if (!settings.once && elapsed < MIN_EMPTY_POLL_MS) await sleep(MIN_EMPTY_POLL_MS - elapsed, signal);
    }
    if (settings.once) break;
  }
}

async function handleTask(task: ActivityTask, settings: WorkerSettings, deps: WorkerDeps, summary: WorkerSummary): Promise<void> {
  const input = parseInput(task.input);
  const links = approvalLinks(settings.baseUrl, task.taskToken);
  if (!settings.email || !deps.mailer) {
    // The user asked for the links as the result: this is the one place a token is printed.
    deps.out.line({ taskToken: task.taskToken, input, ...links });
    return;
  }
  let to: string | undefined;
  try {
    to = recipientOf(input, settings.email.toField);
    const mime = buildMime({ from: settings.email.from, to, ...approvalEmail(input, links) });
    const messageId = await deps.mailer.sendRaw(settings.email.from, to, mime);
    summary.emailed++;
    deps.out.line({ status: "emailed", to, messageId, input }, `emailed approval links to ${to} (SES message ${messageId})`);
  } catch (error) {
    summary.failed++;
    await reportUndelivered(task, to, input, error, deps);
    if (stopsWorker(error)) throw error;
  }
}

/**
 * A task whose mail failed is failed with EmailNotSent rather than left open: nobody else
 * holds its token, so an open task would wait silently until the state's timeout (up to a
 * year). Failing it makes the execution visible as failed, and a state machine that wants
 * another attempt can `Retry` on EmailNotSent, which hands the task out again.
 */
async function reportUndelivered(
  task: ActivityTask,
  to: string | undefined,
  input: unknown,
  error: unknown,
  deps: WorkerDeps,
): Promise<void> {
  const reason = error instanceof UndeliverableTaskError ? error.message : formatError(error).replace(/^awsblog: /, "");
  let taskFailed = false;
  try {
    await deps.activity.sendTaskFailure(task.taskToken, EMAIL_NOT_SENT, `awsblog approval worker could not email the approval links: ${reason}`);
    taskFailed = true;
  } catch (failError) {
    deps.out.warn(
      `the task could not be failed either (${formatError(failError).replace(/^awsblog: /, "")}); it stays open until its state's timeout`,
    );
  }
  deps.out.line(
    { status: "emailFailed", to: to ?? null, error: reason, taskFailed, input },
    `could not email ${to ?? "the approver"}: ${reason}${taskFailed ? ` — the task was failed with ${EMAIL_NOT_SENT}` : ""}`,
  );
}

/** Mail errors that every later task would hit too: stop instead of failing them one by one. */
function stopsWorker(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  return (
    error instanceof AwsError &&
    /AccessDenied|NotAuthorized|AccountSendingPaused|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|ExpiredToken/.test(
      error.code,
    )
  );
}

/** Activity input is JSON; anything else is kept as the raw string. */
function parseInput(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * The --once check above. A role that may poll but not describe (the post's policy grants
 * states:GetActivityTask, not states:DescribeActivity) keeps working: AccessDenied skips the
 * check, and the poll itself says whether the activity is there.
 */
async function checkActivity(activity: Pick<ActivityWorkerApi, "describeActivity">, activityArn: string): Promise<void> {
  try {
    await activity.describeActivity(activityArn);
  } catch (error) {
    if (error instanceof AwsError && /AccessDenied|UnauthorizedOperation/.test(error.code)) return;
    throw error;
  }
}
