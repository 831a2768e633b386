import { hostname } from "node:os";
import type { ActivityWorkerApi } from "../../lib/aws/sfn.js";
import type { Mailer } from "../../lib/aws/ses.js";
import { checkStatesArn } from "../../lib/approvals/arns.js";
import { isInsecureBaseUrl, parseBaseUrl } from "../../lib/approvals/links.js";
import { runWorker, type WorkerSettings, type WorkerSummary } from "../../lib/approvals/worker.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";

export interface WorkerOptions {
  activityArn?: string;
  baseUrl?: string;
  once?: boolean;
  emailFrom?: string;
  emailToField?: string;
  workerName?: string;
}

export interface WorkerCommandDeps {
  activity?: ActivityWorkerApi;
  mailer?: Mailer;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** `awsblog approval worker`: streams one JSON line per task (or per mail sent). */
export async function worker(options: WorkerOptions, ctx: Context, deps: WorkerCommandDeps = {}): Promise<CommandResult | void> {
  const settings = readSettings(options, ctx);
  if (isInsecureBaseUrl(settings.baseUrl)) {
    ctx.out.warn("--base-url is plain http to another host: the links carry task tokens; use https");
  }
  const sfn = await import("../../lib/aws/sfn.js");
  const activity = deps.activity ?? (await sfn.createActivityWorkerApi(ctx.aws));
  const mailer = settings.email ? (deps.mailer ?? (await (await import("../../lib/aws/ses.js")).createMailer(ctx.aws))) : undefined;

  ctx.out.info(`polling ${settings.activityArn} as ${settings.workerName}${settings.once ? " (once)" : ""}`);
  const summary = await runWorker(settings, { activity, mailer, out: ctx.out, signal: ctx.signal, sleep: deps.sleep, random: deps.random });
  ctx.out.info(summaryText(summary));
  if (settings.once && summary.failed > 0) {
    throw new FailureError("the approval email could not be sent", `the task was reported above; see its error`);
  }
}

function readSettings(options: WorkerOptions, ctx: Context): WorkerSettings {
  if (!options.activityArn) throw new UsageError("--activity-arn is required", "pass the ARN of the activity your Task state waits on");
  if (!options.baseUrl) throw new UsageError("--base-url is required", "pass where `awsblog approval serve` (or your API) answers");
  const workerName = options.workerName ?? defaultWorkerName(ctx);
  if (workerName.length < 1 || workerName.length > 80) {
    throw new UsageError(`--worker-name must be 1 to 80 characters, got ${workerName.length}`);
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
    email: from ? { from, toField: options.emailToField?.trim() || "managerEmailAddress" } : undefined,
  };
}

/** Shown in the Step Functions console next to the task: which machine and process took it. */
function defaultWorkerName(ctx: Context): string {
  return `awsblog-${ctx.env.HOSTNAME ?? hostname()}-${process.pid}`.slice(0, 80);
}

function summaryText(s: WorkerSummary): string {
  return `worker stopped after ${s.polls} poll(s): ${s.tasks} task(s), ${s.emailed} emailed, ${s.failed} failed`;
}
