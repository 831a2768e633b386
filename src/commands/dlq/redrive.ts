import { locateQueue } from "../../lib/aws/queue-url.js";
import { defineCommand, opt, required, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FAILURE_CLASSES } from "../../lib/dlq/classify.js";
import { checkFunctionName, checkQueueUrl, explainQueueError, parseClasses, parseRate, QUEUE_URL_HINT, redrivePolicyWarning } from "../../lib/dlq/options.js";
import { createRateLimit, pacingClock } from "../../lib/pacing.js";
import { redrive as runRedrive, type RedriveReport } from "../../lib/dlq/redrive.js";
import { renderRedrive } from "../../lib/dlq/render.js";
import { isFifoQueueUrl } from "../../lib/dlq/send-entries.js";
import { functionTarget, queueTarget, topicTarget, type RedriveTarget } from "../../lib/dlq/targets.js";
import { AwsError, ExitCode, UsageError } from "../../lib/errors.js";
import { sanitizeForTerminal } from "../../lib/terminal.js";

const flags = {
  queueUrl: required(opt.string("--queue-url <url>", "the dead-letter queue to drain"), QUEUE_URL_HINT),
  to: opt.string("--to <queue-url|topic-arn>", "send to this queue, or publish to this SNS topic (body, attributes, FIFO group kept)"),
  invoke: opt.string("--invoke <function>", "replay each body into this function (asynchronous Invoke)"),
  toProfile: opt.string("--to-profile <name>", "reach the target as this profile (a target in another account)"),
  toRegion: opt.string("--to-region <region>", "the target's region (default: the one its URL or ARN names, else the run's)"),
  class: opt.list("--class <class>", "only messages of this class (repeatable or comma-separated)", { values: FAILURE_CLASSES }),
  max: opt.int("--max <n>", "move at most n messages"),
  dryRun: opt.flag("--dry-run", "read and classify, release everything, move nothing"),
  rate: opt.custom("--rate <n>", "at most n messages per second over the whole run (all --concurrency workers together)", parseRate),
  keep: opt.flag("--keep", "copy: the DLQ keeps every message (made visible again when the run ends)"),
  concurrency: opt.int("--concurrency <n>", "batches of 10 in flight", { max: 20, defaultValue: 4 }),
  visibilityTimeout: opt.int("--visibility-timeout <s>", "hide a batch this long while it is sent (a crash returns it after this; default 60, --keep: the run's expected length)", {
    max: 43_200,
  }),
};

export default defineCommand({
  options: flags,
  help: `
A message is deleted from the DLQ only after the target accepted it, so a crash or kill can cause a
duplicate but never a loss. Ctrl-C stops taking messages, finishes batches in flight, exits 130.
Exit 4 when any message failed (each listed in the output).
--to <topic-arn> publishes with PublishBatch: body as Message, attributes as SNS message attributes
(String, Number, Binary; a custom suffix such as Number.int is dropped). --to-profile reaches the
target (queue, topic or function) with another profile's credentials, e.g. another account's role.
--rate paces the receives, so no message waits hidden for its turn. --keep never deletes: copies
stay hidden until the run ends, then all are made visible again at once (not for FIFO DLQs).
JSON: {"moved","failed","skipped","planned","failures":[{messageId,requestId,class,stage,code,error}],"byClass","dryRun","kept"}`,
  examples: [
    `awsblog dlq redrive --queue-url "$DLQ_URL" --invoke thumbnailer --class timeout --dry-run`,
    `awsblog dlq redrive --queue-url "$DLQ_URL" --to "$WORK_QUEUE_URL" -o json`,
    `awsblog dlq redrive --queue-url "$DLQ_URL" --to "$WORK_QUEUE_URL" --rate 5 --concurrency 2`,
    `awsblog dlq redrive --queue-url "$DLQ_URL" --to "$STAGING_QUEUE_URL" --keep   # copy, the DLQ keeps all`,
    `awsblog dlq redrive --queue-url "$DLQ_URL" --to arn:aws:sns:eu-west-1:123456789012:replay`,
    `awsblog dlq redrive --queue-url "$DLQ_URL" --to "$OTHER_ACCOUNT_QUEUE_URL" --to-profile prod-replay`,
  ],
  run: redrive,
});

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

function checkTopicArn(value: string): string {
  if (!TOPIC_ARN.test(value)) {
    throw new UsageError(`--to is not an SNS topic ARN: "${sanitizeForTerminal(value, { max: 80, oneLine: true })}"`, "e.g. arn:aws:sns:us-east-1:123456789012:replay (or pass a queue URL)");
  }
  return value;
}

function checkProfileName(value: string): string {
  if (!/^[\w+=,.@-]{1,128}$/.test(value)) {
    throw new UsageError(`--to-profile is not a profile name: "${sanitizeForTerminal(value, { max: 80, oneLine: true })}"`, "pass a profile from your AWS config or credentials file");
  }
  return value;
}

function checkRegion(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(value)) {
    throw new UsageError(`--to-region is not a region: "${sanitizeForTerminal(value, { max: 80, oneLine: true })}"`, "e.g. --to-region eu-west-1");
  }
  return value;
}

function explainTopicError(error: unknown, topicArn: string): unknown {
  if (error instanceof AwsError && /NotFound/.test(error.code)) {
    return new AwsError(error.service, error.operation, error.code, `no topic ${topicArn}`, "check the ARN (and --to-profile / --to-region for another account)", { cause: error });
  }
  return error;
}

export interface RedriveResult extends RedriveReport {
  dryRun: boolean;
  /** --keep: nothing was deleted; `moved` counts copies. */
  kept: boolean;
}

/**
 * --keep holds each copy hidden until the run ends: long enough for the whole run (its backlog
 * at --rate, or at a conservative 50/s), so copies do not come back mid-run; at most 12 h.
 */
export function keepVisibility(backlog: number, rate: number | undefined): number {
  return Math.min(43_200, Math.max(60, Math.ceil((backlog / (rate ?? 50)) * 1.2) + 30));
}

/** `awsblog dlq redrive`: move DLQ messages at least once, deleting only after a confirmed send. */
async function redrive(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<RedriveResult>> {
  // Every flag is checked before the first call: a typo moves nothing.
  const queueUrl = checkQueueUrl(options.queueUrl, "--queue-url");
  if (Boolean(options.to) === Boolean(options.invoke)) {
    throw new UsageError(
      "pass exactly one of --to <queue-url|topic-arn> or --invoke <function>",
      "--to sends to a queue or an SNS topic; --invoke replays into a function asynchronously",
    );
  }
  const topic = options.to !== undefined && options.to.startsWith("arn:") ? checkTopicArn(options.to) : undefined;
  const to = options.to === undefined || topic ? undefined : checkQueueUrl(options.to, "--to");
  const same = (a: string, b: string) => locateQueue(a).url.replace(/\/$/, "") === locateQueue(b).url.replace(/\/$/, "");
  if (to && same(to, queueUrl)) throw new UsageError("--to is the DLQ itself", "pass the source queue (or another queue) as --to");
  const invoke = options.invoke === undefined ? undefined : checkFunctionName(options.invoke, "--invoke");
  const toProfile = options.toProfile === undefined ? undefined : checkProfileName(options.toProfile);
  const toRegion = options.toRegion === undefined ? undefined : checkRegion(options.toRegion);
  const classes = parseClasses(options.class);
  const dryRun = Boolean(options.dryRun);
  const keep = Boolean(options.keep);
  if (keep && dryRun) throw new UsageError("--keep and --dry-run do not go together", "--dry-run sends nothing; --keep sends copies and deletes nothing");
  if (keep && isFifoQueueUrl(queueUrl)) {
    throw new UsageError(
      "--keep cannot copy a FIFO DLQ",
      "SQS hands out a group's next messages only after the earlier ones are deleted; redrive without --keep",
    );
  }

  const sqs = await ctx.services.sqs();
  let policy: string | undefined;
  let backlog = 0;
  try {
    const attributes = await sqs.getQueueAttributes(queueUrl, ["RedrivePolicy", "ApproximateNumberOfMessages"]);
    policy = attributes.RedrivePolicy;
    backlog = Number(attributes.ApproximateNumberOfMessages) || 0;
  } catch (error) {
    throw explainQueueError(error, queueUrl);
  }
  const warning = redrivePolicyWarning(policy);
  if (warning) ctx.out.warn(warning);
  const sleep = (ms: number) => ctx.services.sleep(ms);
  // The target's services: this run's, or another profile's (another account) and region.
  const targetRegion = toRegion ?? (topic ? topic.split(":")[3] : undefined) ?? (invoke?.startsWith("arn:") ? invoke.split(":")[3] : undefined);
  const services = toProfile || toRegion ? ctx.services.forProfile({ profile: toProfile ?? "", region: targetRegion }) : ctx.services;
  let target: RedriveTarget;
  if (to) {
    const targetSqs = await services.sqs();
    try {
      await targetSqs.getQueueAttributes(to, ["QueueArn"]); // the target must exist before anything is taken
    } catch (error) {
      throw explainQueueError(error, to);
    }
    target = queueTarget(targetSqs, to, { sleep });
  } else if (topic) {
    const sns = await services.snsTopics();
    try {
      await sns.topicAttributes(topic);
    } catch (error) {
      throw explainTopicError(error, topic);
    }
    target = topicTarget(sns, topic, { sleep });
  } else {
    target = functionTarget(await services.lambda(), invoke as string, { sleep });
  }
  if (toProfile) target.describe += ` (as profile ${toProfile})`;

  const spinner = ctx.out.spinner(dryRun ? "planning…" : "redriving…");
  let report: RedriveReport;
  try {
    report = await runRedrive(sqs, {
      queueUrl,
      target,
      classes,
      max: options.max,
      dryRun,
      keep,
      rate: options.rate === undefined ? undefined : createRateLimit(options.rate, pacingClock(ctx.services)),
      concurrency: options.concurrency,
      visibilityTimeout: options.visibilityTimeout ?? (keep ? keepVisibility(backlog, options.rate) : 60),
      waitTimeSeconds: 1,
      signal: ctx.signal,
      onProgress: (r) => spinner.update(dryRun ? `planned ${r.planned}, skipped ${r.skipped}` : `moved ${r.moved}, failed ${r.failed}, skipped ${r.skipped}`),
    });
  } finally {
    spinner.stop();
  }
  if (ctx.signal.aborted) {
    ctx.out.info(
      keep
        ? `interrupted: batches in flight were finished; ${report.moved} copied, every message is still in the DLQ`
        : `interrupted: batches in flight were finished; ${report.moved} moved, the rest are still in the DLQ`,
    );
  }
  if (report.releaseFailures) ctx.out.warn(`${report.releaseFailures} copied message(s) could not be made visible again; SQS shows them again when their visibility timeout ends`);
  if (report.stoppedBy && report.failed === 0) ctx.out.warn(`stopped early: ${sanitizeForTerminal(report.stoppedBy)}`);

  const data: RedriveResult = { ...report, dryRun, kept: keep };
  return {
    data,
    text: renderRedrive(report, { dryRun, keep }, target.describe, ctx.out.style, ctx.out.width),
    exitCode: report.failed > 0 ? ExitCode.partial : report.stoppedBy ? ExitCode.failure : ExitCode.ok,
  };
}
