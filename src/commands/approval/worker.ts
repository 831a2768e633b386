import { hostname } from "node:os";
import { checkStatesArn } from "../../lib/approval/arns.js";
import { isInsecureBaseUrl, parseBaseUrl } from "../../lib/approval/links.js";
import { runWorker, type WorkerSettings, type WorkerSummary } from "../../lib/approval/worker.js";
import { defineCommand, opt, required, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";

/** The SDK's connection pool holds 50 sockets: more polls than that would queue behind each other. */
const MAX_CONCURRENCY = 50;

const flags = {
  activityArn: required(opt.string("--activity-arn <arn>", "the activity the approval Task state waits on"), "pass the ARN of the activity your Task state waits on"),
  baseUrl: required(opt.string("--base-url <url>", "where the links point: `awsblog approval serve` or your API (…/succeed, …/fail)"), "pass where `awsblog approval serve` (or your API) answers"),
  once: opt.flag("--once", "poll once (up to 60 s), handle the task if any, then exit (cron, Lambda)"),
  emailFrom: opt.string("--email-from <addr>", "send each task's links by SES from this verified address"),
  emailToField: opt.string("--email-to-field <field>", "task input field holding the approver's address (default: managerEmailAddress)"),
  concurrency: opt.int("--concurrency <n>", "tasks handled at a time; each free slot keeps one long poll open", { min: 1, max: MAX_CONCURRENCY, defaultValue: 1 }),
  workerName: opt.string("--worker-name <name>", "name shown for this worker in Step Functions (default: awsblog-<host>-<pid>)"),
};

export default defineCommand({
  options: flags,
  help: `
Output is JSON Lines on stdout, one line per task:
  without --email-from: {"taskToken","input","approveUrl","rejectUrl"} (the token is the result here)
  with --email-from:    {"status":"emailed","to","messageId","input"} or
                        {"status":"emailFailed","to","error","taskFailed","input"}
A task whose email cannot be sent is failed with error EmailNotSent (add a Retry on it to resend).
--concurrency N keeps N long polls open and handles up to N tasks at a time (a slot busy
with a task polls again once it is sent). With --once, each slot polls once.
Ctrl-C waits for the polls in flight (up to 60 s) and sends the tasks in hand, so no task is
lost, then exits 130.`,
  examples: [
    `awsblog approval worker --activity-arn "$ACTIVITY_ARN" --base-url https://approvals.example.com \\
      --email-from approvals@example.com`,
    `awsblog approval worker --activity-arn "$ACTIVITY_ARN" --base-url https://approvals.example.com \\
      --email-from approvals@example.com --concurrency 8`,
  ],
  run: worker,
});


/** `awsblog approval worker`: streams one JSON line per task (or per mail sent). */
async function worker(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult | void> {
  const settings = readSettings(options, ctx);
  if (isInsecureBaseUrl(settings.baseUrl)) {
    ctx.out.warn("--base-url is plain http to another host: the links carry task tokens; use https");
  }
  const activity = await ctx.services.activities();
  const mailer = settings.email ? await ctx.services.mailer() : undefined;

  // A --once run (cron, Lambda) ends with its result or one error line; a long-running worker says what it polls.
  if (!settings.once) ctx.out.info(`polling ${settings.activityArn} as ${settings.workerName}${options.concurrency > 1 ? ` (${options.concurrency} polls at a time)` : ""}`);
  const summary = await runWorker(settings, { activity, mailer, out: ctx.out, signal: ctx.signal, sleep: ctx.services.sleep, random: ctx.services.random });
  ctx.out.info(summaryText(summary));
  if (settings.once && summary.failed > 0) {
    throw new FailureError("the approval email could not be sent", `the task was reported above; see its error`);
  }
}

function readSettings(options: OptionsOf<typeof flags>, ctx: Context): WorkerSettings {
  const workerName = options.workerName ?? defaultWorkerName(ctx);
  if (workerName.length < 1 || workerName.length > 80) {
    throw new UsageError(`--worker-name must be 1 to 80 characters, got ${workerName.length}`, "pass a shorter --worker-name, e.g. --worker-name $(hostname)");
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(workerName)) {
    throw new UsageError("--worker-name has control characters", "use letters, digits and punctuation, e.g. --worker-name $(hostname)");
  }
  if (options.emailToField !== undefined && options.emailToField.trim() === "") {
    throw new UsageError("--email-to-field is empty", "name the task input field that holds the approver's address, e.g. --email-to-field managerEmailAddress");
  }
  if (options.emailToField !== undefined && !options.emailFrom) {
    throw new UsageError("--email-to-field needs --email-from", "pass the verified SES sender address with --email-from");
  }
  const from = options.emailFrom?.trim();
  if (from !== undefined && (from === "" || /[\r\n]/.test(from) || !from.includes("@"))) {
    throw new UsageError(`--email-from "${options.emailFrom}" is not an email address`, "pass a sender verified in SES");
  }
  return {
    activityArn: checkStatesArn(options.activityArn, "--activity-arn", "activity"),
    baseUrl: parseBaseUrl(options.baseUrl),
    workerName,
    once: Boolean(options.once),
    concurrency: options.concurrency,
    email: from ? { from, toField: options.emailToField?.trim() ?? "managerEmailAddress" } : undefined,
  };
}

/** Shown in the Step Functions console next to the task: which machine and process took it. */
function defaultWorkerName(ctx: Context): string {
  return `awsblog-${ctx.env.HOSTNAME ?? hostname()}-${process.pid}`.slice(0, 80);
}

function summaryText(s: WorkerSummary): string {
  return `worker stopped after ${s.polls} poll(s): ${s.tasks} task(s), ${s.emailed} emailed, ${s.failed} failed`;
}
