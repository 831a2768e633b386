import type { CommandResult, Context } from "../../lib/context.js";
import { ExitCode, UsageError } from "../../lib/errors.js";
import { findCreators, MAX_LOOKBACK_DAYS } from "../../lib/tags/creators.js";
import { executeActions } from "../../lib/tags/execute.js";
import { createPacer, systemClock } from "../../lib/tags/pacer.js";
import { creatorsWanted, planActions, UNTAGGED_MODES, type EnforceAction, type UntaggedInstance, type UntaggedMode } from "../../lib/tags/plan.js";
import { enforceText, notificationMessage, REPORT_SUBJECT } from "../../lib/tags/report.js";
import { takeInventory, type PolicyOptions, type TagsDeps } from "./inventory.js";

export interface EnforceOptions extends PolicyOptions {
  untagged?: string;
  dryRun?: boolean;
  notify?: string;
  lookbackDays?: number;
}

export interface EnforceResult {
  scanned: number;
  actions: EnforceAction[];
  notified: boolean;
  /** Untagged instances in scope, whatever --untagged did with them. */
  untagged: UntaggedInstance[];
  /** CloudTrail sweep for UserLookup rules: pages read and instances attributed. */
  creatorLookup: { pages: number; events: number; wanted: number; found: number };
  notifyError?: string;
}

/** LookupEvents: 2 requests per second per account and region. */
const CLOUDTRAIL_RATE = 2;

export async function enforce(options: EnforceOptions, ctx: Context, deps: TagsDeps = {}): Promise<CommandResult<EnforceResult>> {
  const mode = parseMode(options.untagged);
  const lookbackDays = options.lookbackDays ?? MAX_LOOKBACK_DAYS;
  if (!Number.isInteger(lookbackDays) || lookbackDays < 1 || lookbackDays > MAX_LOOKBACK_DAYS) {
    throw new UsageError(`--lookback-days must be 1 to ${MAX_LOOKBACK_DAYS} (CloudTrail event history keeps 90 days)`);
  }
  if (options.notify !== undefined) validateTopicArn(options.notify);
  const clock = deps.clock ?? systemClock;
  const dryRun = Boolean(options.dryRun);

  const { instances, findings } = await takeInventory(options, ctx, deps);
  const wanted = creatorsWanted(findings, instances);
  const lookup = { pages: 0, events: 0, wanted: wanted.size, found: 0 };
  let creators = new Map<string, string>();
  if (wanted.size > 0 && !ctx.signal.aborted) {
    // Paced at the HTTP attempt (retries included), so the 2/s limit holds as CloudTrail sees it.
    const pacer = createPacer(CLOUDTRAIL_RATE, clock);
    const cloudtrail =
      deps.cloudtrail ?? (await (await import("../../lib/aws/cloudtrail.js")).createCloudTrailApi(ctx.aws, { beforeSend: (signal) => pacer.take(signal) }));
    const spinner = ctx.out.spinner(`looking up who launched ${wanted.size} instance(s) in CloudTrail…`);
    try {
      const sweep = await findCreators(wanted, { api: cloudtrail, now: ctx.now(), lookbackDays, signal: ctx.signal });
      creators = sweep.creators;
      Object.assign(lookup, { pages: sweep.pages, events: sweep.events, found: sweep.creators.size });
    } finally {
      spinner.stop();
    }
    ctx.out.info(`CloudTrail: ${lookup.pages} page(s), ${lookup.events} RunInstances event(s), creator found for ${lookup.found} of ${wanted.size} instance(s)`);
  }

  const { actions, untagged } = planActions(findings, instances, creators, mode);
  if (!dryRun && !ctx.signal.aborted) {
    const ec2 = deps.ec2 ?? (await (await import("../../lib/aws/ec2.js")).createEc2Api(ctx.aws));
    const spinner = ctx.out.spinner(`applying ${actions.length} action(s)…`);
    try {
      await executeActions(actions, { ec2, clock, signal: ctx.signal, onProgress: (d, t) => spinner.update(`applying actions… ${d}/${t}`) });
    } finally {
      spinner.stop();
    }
  }

  const data: EnforceResult = { scanned: findings.length, actions, notified: false, untagged, creatorLookup: lookup };
  if (options.notify && !dryRun && (actions.length > 0 || untagged.length > 0)) {
    const sns = deps.sns ?? (await (await import("../../lib/aws/sns.js")).createSnsApi(ctx.aws));
    try {
      await sns.publish(options.notify, REPORT_SUBJECT, notificationMessage(findings.length, actions, untagged), ctx.signal);
      data.notified = true;
    } catch (error) {
      // The actions already happened: report them, and say the notification did not go out.
      data.notifyError = (error as Error).message;
      ctx.out.warn(`the SNS summary was not published: ${data.notifyError}`);
    }
  }
  const failed = actions.some((a) => a.result === "failed") || data.notifyError !== undefined;
  return {
    data,
    text: enforceText(findings.length, actions, untagged, dryRun),
    exitCode: failed ? ExitCode.partial : ExitCode.ok,
  };
}

function parseMode(value: string | undefined): UntaggedMode {
  const mode = (value ?? "report") as UntaggedMode;
  if (!UNTAGGED_MODES.includes(mode)) throw new UsageError(`--untagged must be report, stop or terminate, got "${value}"`);
  return mode;
}

function validateTopicArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(arn)) {
    throw new UsageError(`--notify "${arn}" is not a standard SNS topic ARN`, "pass arn:aws:sns:<region>:<account>:<topic> (FIFO topics are not supported)");
  }
}
