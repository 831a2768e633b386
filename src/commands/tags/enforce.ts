import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { ExitCode, UsageError } from "../../lib/errors.js";
import { MAX_LOOKBACK_DAYS } from "../../lib/tags/creators.js";
import { enforceTarget, type EnforceTargetResult } from "../../lib/tags/engine.js";
import { loadPolicy } from "../../lib/tags/inventory.js";
import { UNTAGGED_MODES } from "../../lib/tags/plan.js";
import { enforceText, notificationMessage, REPORT_SUBJECT } from "../../lib/tags/report.js";
import { checkOrgOptions, isOrgRun } from "../../lib/tags/org.js";
import { enforceOrg, type OrgEnforceResult } from "../../lib/tags/org-run.js";
import { orgEnforceText } from "../../lib/tags/org-text.js";
import { checkReportPath, ENFORCE_COLUMNS, openReport } from "../../lib/tags/report-file.js";
import { ORG_HELP, orgFlags, policyFlags, RULES_HELP } from "./_shared.js";

const flags = {
  ...policyFlags,
  ...orgFlags,
  untagged: opt.choice("--untagged <mode>", "what to do with untagged instances", UNTAGGED_MODES, "report"),
  dryRun: opt.flag("--dry-run", "print the plan (CloudTrail lookups included) and change nothing"),
  notify: opt.string("--notify <topic-arn>", 'publish a summary to this SNS topic (subject "Tagging Policy Report")'),
  lookbackDays: opt.int("--lookback-days <n>", "how far back to search CloudTrail for RunInstances (1-90)", { min: 1, max: MAX_LOOKBACK_DAYS, defaultValue: MAX_LOOKBACK_DAYS }),
  creatorLookup: opt.flag("--no-creator-lookup", 'skip the CloudTrail lookup: UserLookup rules write "Undefined"'),
};

export default defineCommand({
  options: flags,
  help: `${RULES_HELP}
Update writes Default; UserLookup writes who ran RunInstances (one paced CloudTrail sweep), or
"Undefined" (also when CloudTrail is denied or unreachable: a warning says so, the run goes on);
Function writes today() / today(+Nd) as a UTC date. Existing values are kept.
Auto Scaling members are never stopped or terminated. Exit 0 all done, 4 some failed.
${ORG_HELP}`,
  examples: [
    "awsblog tags enforce --policy dynamodb://acme_cloud_policy_tagging_def --vpc vpc-0abc1234 --untagged stop --notify arn:aws:sns:us-east-1:123456789012:tag-reports --dry-run",
    "awsblog tags enforce --policy rules.yaml --accounts 111111111111,222222222222 --regions us-east-1,eu-west-1 --report actions.csv",
  ],
  run: enforce,
});

export type EnforceOptions = OptionsOf<typeof flags> & {
  /** Rules carried by a scheduled run's event (the Lambda handler), instead of --policy's file. */
  inlineRules?: unknown;
};

export interface EnforceResult extends Omit<EnforceTargetResult, "violations"> {
  notified: boolean;
  notifyError?: string;
}

export type OrgEnforceOutput = OrgEnforceResult & { notified: boolean; notifyError?: string };

/**
 * `tags enforce`: fixes tags per the rules in batches; untagged instances follow --untagged.
 * The scheduled Lambda's handler calls this same function.
 */
export async function enforce(options: EnforceOptions, ctx: Context): Promise<CommandResult<EnforceResult | OrgEnforceOutput>> {
  const mode = options.untagged ?? "report";
  if (options.notify !== undefined) validateTopicArn(options.notify);
  checkOrgOptions(options);
  if (options.report) await checkReportPath(options.report);
  const dryRun = Boolean(options.dryRun);
  const policy = await loadPolicy(options, ctx);
  const plan = { mode, dryRun, lookbackDays: options.lookbackDays, creatorLookup: options.creatorLookup !== false };
  if (isOrgRun(options)) {
    const result = await enforceOrg(policy, plan, options, ctx);
    const data: OrgEnforceOutput = { ...result, notified: false };
    await notify(options, ctx, data, dryRun);
    const failed = data.targets.some((t) => t.status === "failed") || data.actions.some((a) => a.result === "failed") || data.notifyError !== undefined;
    return { data, text: orgEnforceText(data, dryRun), exitCode: failed ? ExitCode.partial : ExitCode.ok };
  }
  const result = await enforceTarget(policy, plan, ctx);
  const { actions, untagged, scanned } = result;
  const data: EnforceResult = { scanned, actions, notified: false, untagged, creatorLookup: result.creatorLookup };
  await notify(options, ctx, data, dryRun);
  if (options.report) {
    const sts = await ctx.services.stsRoles();
    const at = { accountId: (await sts.callerIdentity(ctx.signal)).account, region: await sts.region() };
    const report = await openReport(options.report, ENFORCE_COLUMNS);
    try {
      await report.write(actions.map((a) => ({ ...at, instanceId: a.instanceId, action: a.action, tagKey: a.tagKey ?? null, value: a.value ?? null, reason: a.reason, result: a.result, error: a.error ?? null })));
    } finally {
      await report.close();
    }
  }
  const failed = actions.some((a) => a.result === "failed") || data.notifyError !== undefined;
  return { data, text: enforceText(scanned, actions, untagged, dryRun), exitCode: failed ? ExitCode.partial : ExitCode.ok };
}

/** One SNS summary for the whole run (all targets), after the actions. */
async function notify(options: EnforceOptions, ctx: Context, data: Pick<EnforceResult, "scanned" | "actions" | "untagged" | "notified" | "notifyError">, dryRun: boolean): Promise<void> {
  const { actions, untagged, scanned } = data;
  if (options.notify && !dryRun && (actions.length > 0 || untagged.length > 0)) {
    const sns = await ctx.services.sns();
    try {
      await sns.publish(options.notify, REPORT_SUBJECT, notificationMessage(scanned, actions, untagged), ctx.signal);
      data.notified = true;
    } catch (error) {
      // The actions already happened: report them, and say the notification did not go out.
      data.notifyError = (error as Error).message;
      ctx.out.warn(`the SNS summary was not published: ${data.notifyError}`);
    }
  }
}

export function validateTopicArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(arn)) {
    throw new UsageError(`--notify "${arn}" is not a standard SNS topic ARN`, "pass arn:aws:sns:<region>:<account>:<topic> (FIFO topics are not supported)");
  }
}
