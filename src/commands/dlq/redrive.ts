import { locateQueue } from "../../lib/aws/queue-url.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FAILURE_CLASSES, isFailureClass, type FailureClass } from "../../lib/dlq/classify.js";
import { explainQueueError, redrivePolicyWarning, requireFunction, requireQueueUrl } from "../../lib/dlq/options.js";
import { redrive as runRedrive, type RedriveReport } from "../../lib/dlq/redrive.js";
import { renderRedrive } from "../../lib/dlq/render.js";
import { functionTarget, queueTarget, type RedriveTarget } from "../../lib/dlq/targets.js";
import { ExitCode, UsageError } from "../../lib/errors.js";
import { sanitizeForTerminal } from "../../lib/terminal.js";

const flags = {
  queueUrl: opt.string("--queue-url <url>", "the dead-letter queue to drain"),
  to: opt.string("--to <queue-url>", "send to this queue (body, attributes, FIFO group/dedup ids kept)"),
  invoke: opt.string("--invoke <function>", "replay each body into this function (asynchronous Invoke)"),
  class: opt.list("--class <class>", "only messages of this class (repeatable or comma-separated)", { values: FAILURE_CLASSES }),
  max: opt.int("--max <n>", "move at most n messages"),
  dryRun: opt.flag("--dry-run", "read and classify, release everything, move nothing"),
  concurrency: opt.int("--concurrency <n>", "batches of 10 in flight", { max: 20, defaultValue: 4 }),
  visibilityTimeout: opt.int("--visibility-timeout <s>", "hide a batch this long while it is sent (a crash returns it after this)", {
    max: 43_200,
    defaultValue: 60,
  }),
};

export default defineCommand({
  options: flags,
  help: `
A message is deleted from the DLQ only after the target accepted it, so a crash or kill can cause a
duplicate but never a loss. Ctrl-C stops taking messages, finishes batches in flight, exits 130.
Exit 4 when any message failed (each listed in the output).
JSON: {"moved","failed","skipped","planned","failures":[{messageId,requestId,class,stage,code,error}],"byClass","dryRun"}`,
  examples: [
    `awsblog dlq redrive --queue-url "$DLQ_URL" --invoke thumbnailer --class timeout --dry-run`,
    `awsblog dlq redrive --queue-url "$DLQ_URL" --to "$WORK_QUEUE_URL" -o json`,
  ],
  run: redrive,
});

export interface RedriveResult extends RedriveReport {
  dryRun: boolean;
}

/** `awsblog dlq redrive`: move DLQ messages at least once, deleting only after a confirmed send. */
async function redrive(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<RedriveResult>> {
  // Every flag is checked before the first call: a typo moves nothing.
  const queueUrl = requireQueueUrl(options.queueUrl, "--queue-url");
  if (Boolean(options.to) === Boolean(options.invoke)) {
    throw new UsageError("pass exactly one of --to <queue-url> or --invoke <function>", "--to sends to a queue; --invoke replays into a function asynchronously");
  }
  const to = options.to === undefined ? undefined : requireQueueUrl(options.to, "--to");
  const same = (a: string, b: string) => locateQueue(a).url.replace(/\/$/, "") === locateQueue(b).url.replace(/\/$/, "");
  if (to && same(to, queueUrl)) throw new UsageError("--to is the DLQ itself", "pass the source queue (or another queue) as --to");
  const invoke = options.invoke === undefined ? undefined : requireFunction(options.invoke, "--invoke");
  const classes = parseClasses(options.class);
  const dryRun = Boolean(options.dryRun);

  const sqs = await ctx.services.sqs();
  let policy: string | undefined;
  try {
    policy = (await sqs.getQueueAttributes(queueUrl, ["RedrivePolicy"])).RedrivePolicy;
  } catch (error) {
    throw explainQueueError(error, queueUrl);
  }
  const warning = redrivePolicyWarning(policy);
  if (warning) ctx.out.warn(warning);
  const sleep = (ms: number) => ctx.services.sleep(ms);
  let target: RedriveTarget;
  if (to) {
    try {
      await sqs.getQueueAttributes(to, ["QueueArn"]); // the target must exist before anything is taken
    } catch (error) {
      throw explainQueueError(error, to);
    }
    target = queueTarget(sqs, to, { sleep });
  } else {
    target = functionTarget(await ctx.services.lambda(), invoke as string, { sleep });
  }

  const spinner = ctx.out.spinner(dryRun ? "planning…" : "redriving…");
  let report: RedriveReport;
  try {
    report = await runRedrive(sqs, {
      queueUrl,
      target,
      classes,
      max: options.max,
      dryRun,
      concurrency: options.concurrency,
      visibilityTimeout: options.visibilityTimeout,
      waitTimeSeconds: 1,
      signal: ctx.signal,
      onProgress: (r) => spinner.update(dryRun ? `planned ${r.planned}, skipped ${r.skipped}` : `moved ${r.moved}, failed ${r.failed}, skipped ${r.skipped}`),
    });
  } finally {
    spinner.stop();
  }
  if (ctx.signal.aborted) ctx.out.info(`interrupted: batches in flight were finished; ${report.moved} moved, the rest are still in the DLQ`);
  if (report.stoppedBy && report.failed === 0) ctx.out.warn(`stopped early: ${sanitizeForTerminal(report.stoppedBy)}`);

  const data: RedriveResult = { ...report, dryRun };
  return {
    data,
    text: renderRedrive(report, dryRun, target.describe, ctx.out.style, ctx.out.width),
    exitCode: report.failed > 0 ? ExitCode.partial : report.stoppedBy ? ExitCode.failure : ExitCode.ok,
  };
}

function parseClasses(values: string[] | undefined): ReadonlySet<FailureClass> | undefined {
  if (!values || values.length === 0) return undefined;
  const classes = values.flatMap((v) => v.split(",")).map((v) => v.trim());
  for (const c of classes) {
    if (!isFailureClass(c)) throw new UsageError(`--class "${c}" is not a failure class`, `use one of: ${FAILURE_CLASSES.join(", ")}`);
  }
  return new Set(classes as FailureClass[]);
}
