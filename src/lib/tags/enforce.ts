import type { CommandResult, Context } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import { enforceTarget, type EnforceTargetResult } from "./engine.js";
import { loadPolicy, type PolicyOptions } from "./inventory.js";
import { checkOrgOptions, isOrgRun, type OrgOptions } from "./org.js";
import { streamOrgEnforce } from "./org-enforce.js";
import { enforceOrg, type OrgEnforceResult } from "./org-run.js";
import type { EnforceAction, UntaggedMode } from "./plan.js";
import { checkTypeRules } from "./resource-types-check.js";
import { enforceText, notificationMessage, orgEnforceText, REPORT_SUBJECT } from "./render.js";
import { resourceNoun, type ResourceNoun } from "./resource-types.js";
import { checkReportPath, ENFORCE_COLUMNS, openReport } from "./report-file.js";

export interface EnforceOptions extends PolicyOptions, OrgOptions {
  untagged?: UntaggedMode;
  dryRun?: boolean;
  /** SNS topic ARN for the run's summary. */
  notify?: string;
  lookbackDays?: number;
  /** false: --no-creator-lookup. */
  creatorLookup?: boolean;
  /** `--propagate` / `--propagate-overwrite`. */
  propagate?: boolean;
  propagateOverwrite?: boolean;
  /** `--report <file.csv|file.json>`. */
  report?: string;
  /** Rules carried by a scheduled run's event (the Lambda handler), instead of --policy's file. */
  inlineRules?: unknown;
}

export interface EnforceResult extends Omit<EnforceTargetResult, "violations"> {
  /** Tag values left unset because CloudTrail could not be read (actions with result "deferred"). */
  deferred: number;
  notified: boolean;
  notifyError?: string;
}

export type OrgEnforceOutput = OrgEnforceResult & { deferred: number; notified: boolean; notifyError?: string };

const deferredIn = (actions: EnforceAction[]) => actions.filter((a) => a.result === "deferred").length;

/**
 * `tags enforce`: fixes tags per the rules in batches; untagged instances follow --untagged;
 * in the caller's account and region or across targets. The command and the scheduled Lambda
 * both call this function.
 */
export async function enforce(options: EnforceOptions, ctx: Context): Promise<CommandResult<EnforceResult | OrgEnforceOutput>> {
  const mode = options.untagged ?? "report";
  if (options.notify !== undefined) validateTopicArn(options.notify);
  checkOrgOptions(options);
  if (options.report) await checkReportPath(options.report);
  const dryRun = Boolean(options.dryRun);
  const loaded = await loadPolicy(options, ctx);
  checkTypeRules(loaded, { mode, notify: options.notify, dryRun, propagate: options.propagate, propagateOverwrite: options.propagateOverwrite });
  const policy = mode === "tag" ? { ...loaded, evaluate: { fixUntagged: true } } : loaded;
  const plan = {
    mode,
    dryRun,
    lookbackDays: options.lookbackDays,
    creatorLookup: options.creatorLookup !== false,
    ...(options.propagate ? { propagate: true } : {}),
    ...(options.propagateOverwrite ? { propagateOverwrite: true } : {}),
  };
  if (isOrgRun(options)) {
    const doc = ctx.out.document();
    if (doc) {
      const streamed = await streamOrgEnforce(doc, policy, plan, options, ctx);
      const { result } = streamed;
      const failed = result.targets.some((t) => t.status === "failed") || streamed.failedActions > 0 || streamed.notifyError !== undefined;
      // The document is out; the data is what a host that cannot stream would see, without the lists.
      const data: OrgEnforceOutput = { ...result, deferred: streamed.deferred, notified: streamed.notified, ...(streamed.notifyError !== undefined ? { notifyError: streamed.notifyError } : {}) };
      return { data, exitCode: failed ? ExitCode.partial : ExitCode.ok };
    }
    const result = await enforceOrg(policy, plan, options, ctx);
    const data: OrgEnforceOutput = { ...result, deferred: deferredIn(result.actions), notified: false };
    await notify(options, ctx, data, dryRun, resourceNoun(policy.types));
    const failed = data.targets.some((t) => t.status === "failed") || data.actions.some((a) => a.result === "failed") || data.notifyError !== undefined;
    return { data, text: orgEnforceText(data, dryRun, resourceNoun(policy.types)), exitCode: failed ? ExitCode.partial : ExitCode.ok };
  }
  const result = await enforceTarget(policy, plan, ctx);
  const { actions, untagged, scanned } = result;
  const data: EnforceResult = { scanned, actions, deferred: deferredIn(actions), notified: false, untagged, creatorLookup: result.creatorLookup };
  await notify(options, ctx, data, dryRun, resourceNoun(policy.types));
  if (options.report) {
    const sts = await ctx.services.callerSts();
    const at = { accountId: (await sts.callerIdentity(ctx.signal)).account, region: await sts.region() };
    const report = await openReport(options.report, ENFORCE_COLUMNS);
    try {
      await report.write(actions.map((a) => ({ ...at, instanceId: a.instanceId, action: a.action, tagKey: a.tagKey ?? null, value: a.value ?? null, reason: a.reason, result: a.result, error: a.error ?? null })));
    } finally {
      await report.close();
    }
  }
  const failed = actions.some((a) => a.result === "failed") || data.notifyError !== undefined;
  return { data, text: enforceText(scanned, actions, untagged, dryRun, resourceNoun(policy.types)), exitCode: failed ? ExitCode.partial : ExitCode.ok };
}

/** One SNS summary for the whole run (all targets), after the actions. */
async function notify(options: EnforceOptions, ctx: Context, data: Pick<EnforceResult, "scanned" | "actions" | "untagged" | "notified" | "notifyError">, dryRun: boolean, noun: ResourceNoun): Promise<void> {
  const { actions, untagged, scanned } = data;
  // After Ctrl-C nothing is sent: the run stopped short, its planned actions were not taken.
  if (options.notify && !dryRun && !ctx.signal.aborted && (actions.length > 0 || untagged.length > 0)) {
    const sns = await ctx.services.sns();
    const notifies = actions.filter((a) => a.action === "notify" && a.result === "planned");
    try {
      await sns.publish(options.notify, REPORT_SUBJECT, notificationMessage(scanned, actions.map((a) => (a.action === "notify" && a.result === "planned" ? { ...a, result: "done" as const } : a)), untagged, noun), ctx.signal);
      data.notified = true;
      for (const a of notifies) a.result = "done";
    } catch (error) {
      // The actions already happened: report them, and say the notification did not go out.
      data.notifyError = (error as Error).message;
      for (const a of notifies) Object.assign(a, { result: "failed", error: `not notified: ${data.notifyError}` });
      ctx.out.warn(`the SNS summary was not published: ${data.notifyError}`);
    }
  }
}

export function validateTopicArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(arn)) {
    throw new UsageError(`--notify "${arn}" is not a standard SNS topic ARN`, "pass arn:aws:sns:<region>:<account>:<topic> (FIFO topics are not supported)");
  }
}
