import type { LambdaApi } from "../../lib/aws/lambda.js";
import type { SqsApi } from "../../lib/aws/sqs.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FAILURE_CLASSES, isFailureClass, type FailureClass } from "../../lib/dlq/classify.js";
import { redrive as runRedrive, type RedriveReport } from "../../lib/dlq/redrive.js";
import { renderRedrive } from "../../lib/dlq/render.js";
import { functionTarget, queueTarget, type RedriveTarget } from "../../lib/dlq/targets.js";
import { ExitCode, UsageError } from "../../lib/errors.js";
import { explainQueueError, requireFunction, requireQueueUrl, warnAboutRedrivePolicy } from "./options.js";

export interface RedriveOptions {
  queueUrl?: string;
  to?: string;
  invoke?: string;
  class?: string[];
  max?: number;
  dryRun?: boolean;
  concurrency?: number;
  visibilityTimeout?: number;
}

export interface RedriveDeps {
  sqs?: SqsApi;
  lambda?: LambdaApi;
  sleep?: (ms: number) => Promise<void>;
}

export interface RedriveResult extends RedriveReport {
  dryRun: boolean;
}

export async function redrive(options: RedriveOptions, ctx: Context, deps: RedriveDeps = {}): Promise<CommandResult<RedriveResult>> {
  // Every flag is checked before the first call: a typo moves nothing.
  const queueUrl = requireQueueUrl(options.queueUrl, "--queue-url");
  if (Boolean(options.to) === Boolean(options.invoke)) {
    throw new UsageError("pass exactly one of --to <queue-url> or --invoke <function>", "--to sends to a queue; --invoke replays into a function asynchronously");
  }
  const to = options.to === undefined ? undefined : requireQueueUrl(options.to, "--to");
  if (to && to.replace(/\/$/, "") === queueUrl.replace(/\/$/, "")) throw new UsageError("--to is the DLQ itself", "pass the source queue (or another queue) as --to");
  const invoke = options.invoke === undefined ? undefined : requireFunction(options.invoke, "--invoke");
  const classes = parseClasses(options.class);

  const sqs = deps.sqs ?? (await (await import("../../lib/aws/sqs.js")).createSqsApi(ctx.aws));
  try {
    warnAboutRedrivePolicy((await sqs.getQueueAttributes(queueUrl, ["RedrivePolicy"])).RedrivePolicy, ctx);
  } catch (error) {
    throw explainQueueError(error, queueUrl);
  }
  let target: RedriveTarget;
  if (to) {
    try {
      await sqs.getQueueAttributes(to, ["QueueArn"]); // the target must exist before anything is taken
    } catch (error) {
      throw explainQueueError(error, to);
    }
    target = queueTarget(sqs, to, { sleep: deps.sleep });
  } else {
    const lambda = deps.lambda ?? (await (await import("../../lib/aws/lambda.js")).createLambdaApi(ctx.aws));
    target = functionTarget(lambda, invoke as string, { sleep: deps.sleep });
  }

  const spinner = ctx.out.spinner(options.dryRun ? "planning…" : "redriving…");
  let report: RedriveReport;
  try {
    report = await runRedrive(sqs, {
      queueUrl,
      target,
      classes,
      max: options.max,
      dryRun: Boolean(options.dryRun),
      concurrency: options.concurrency ?? 4,
      visibilityTimeout: options.visibilityTimeout ?? 60,
      waitTimeSeconds: 1,
      signal: ctx.signal,
      onProgress: (r) => spinner.update(options.dryRun ? `planned ${r.planned}, skipped ${r.skipped}` : `moved ${r.moved}, failed ${r.failed}, skipped ${r.skipped}`),
    });
  } finally {
    spinner.stop();
  }
  if (ctx.signal.aborted) ctx.out.info(`interrupted: batches in flight were finished; ${report.moved} moved, the rest are still in the DLQ`);
  if (report.stoppedBy && report.failed === 0) ctx.out.warn(`stopped early: ${report.stoppedBy}`);

  const data: RedriveResult = { ...report, dryRun: Boolean(options.dryRun) };
  return {
    data,
    text: renderRedrive(report, Boolean(options.dryRun), target.describe, ctx.out.style),
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
