import { AwsError, FailureError } from "../errors.js";
import { findCreators, MAX_LOOKBACK_DAYS } from "./creators.js";
import { isViolation, type Finding } from "./evaluate.js";
import { executeActions } from "./execute.js";
import { takeInventory, type Policy, type TargetContext } from "./inventory.js";
import { createPacer, pacingClock } from "./pacer.js";
import { creatorsWanted, planActions, type EnforceAction, type UntaggedInstance, type UntaggedMode } from "./plan.js";

/**
 * The tag engine for ONE target (the caller's account and region, or one account × region of
 * an org run): scan and enforce as the CLI, the org runner and the scheduled Lambda all call
 * them. Nothing here prints results.
 */
export interface ScanViolation {
  instanceId: string;
  vpcId: string | null;
  state: string;
  untagged: boolean;
  missing: string[];
  empty: string[];
  /** The tag fixes enforce would make; UserLookup values are null (looked up by enforce). */
  planned: { action: string; tagKey: string; value: string | null }[];
}

export interface ScanResult {
  scanned: number;
  compliant: number;
  violations: ScanViolation[];
}

export interface ScanOutcome extends ScanResult {
  /** The violating findings, for the text table. */
  findings: Finding[];
}

export async function scanTarget(policy: Policy, ctx: TargetContext): Promise<ScanOutcome> {
  const { findings } = await takeInventory(policy, ctx);
  const violating = findings.filter(isViolation);
  return { scanned: findings.length, compliant: findings.length - violating.length, violations: violating.map(toViolation), findings: violating };
}

export function toViolation(f: Finding): ScanViolation {
  return {
    instanceId: f.instanceId,
    vpcId: f.vpcId,
    state: f.state,
    untagged: f.untagged,
    missing: f.missing,
    empty: f.empty,
    planned: f.fixes.map((x) => ({ action: x.action, tagKey: x.tagKey, value: x.value })),
  };
}

export interface EnforcePlan {
  mode: UntaggedMode;
  dryRun: boolean;
  lookbackDays?: number;
  /** false: skip the CloudTrail sweep on purpose (UserLookup values become "Undefined"). */
  creatorLookup?: boolean;
}

export interface CreatorLookup {
  pages: number;
  events: number;
  wanted: number;
  found: number;
  /** Why no creator was looked up: "skipped" (--no-creator-lookup) or the CloudTrail error. */
  error?: string;
}

export interface EnforceTargetResult {
  scanned: number;
  /** Instances in violation (an org run's `targets[].violations`). */
  violations: number;
  actions: EnforceAction[];
  /** Untagged instances in scope, whatever --untagged did with them. */
  untagged: UntaggedInstance[];
  /** CloudTrail sweep for UserLookup rules: pages read and instances attributed. */
  creatorLookup: CreatorLookup;
}

/** LookupEvents: 2 requests per second per account and region. */
export const CLOUDTRAIL_RATE = 2;

export async function enforceTarget(policy: Policy, plan: EnforcePlan, ctx: TargetContext): Promise<EnforceTargetResult> {
  // Pacing and backoff run on the services' steady clock; ctx.now() is the date rules and windows use.
  const clock = pacingClock(ctx.services);
  const { instances, findings } = await takeInventory(policy, ctx);
  const wanted = creatorsWanted(findings, instances);
  const lookup: CreatorLookup = { pages: 0, events: 0, wanted: wanted.size, found: 0 };
  let creators = new Map<string, string>();
  let creatorsUnknown = false;
  if (wanted.size > 0 && plan.creatorLookup === false) {
    lookup.error = "skipped (--no-creator-lookup)";
  } else if (wanted.size > 0 && !ctx.signal.aborted) {
    // Paced at the HTTP attempt (retries included), so the 2/s limit holds as CloudTrail sees it.
    const pacer = createPacer(CLOUDTRAIL_RATE, clock);
    const spinner = ctx.out.spinner(`looking up who launched ${wanted.size} instance(s) in CloudTrail…`);
    try {
      const cloudtrail = await ctx.services.cloudtrail({ beforeSend: (signal) => pacer.take(signal) });
      const sweep = await findCreators(wanted, { api: cloudtrail, now: ctx.now(), lookbackDays: plan.lookbackDays ?? MAX_LOOKBACK_DAYS, signal: ctx.signal });
      creators = sweep.creators;
      Object.assign(lookup, { pages: sweep.pages, events: sweep.events, found: sweep.creators.size });
      ctx.out.info(`CloudTrail: ${lookup.pages} page(s), ${lookup.events} RunInstances event(s), creator found for ${lookup.found} of ${wanted.size} instance(s)`);
    } catch (error) {
      if (ctx.signal.aborted || !(error instanceof AwsError || error instanceof FailureError)) throw error;
      // The other tags are still fixed; a creator that cannot be known now is not written as
      // "Undefined" for good: it is left unset (deferred) for the next run to fill in.
      lookup.error = error.message;
      creatorsUnknown = true;
      ctx.out.warn(
        `CloudTrail lookup failed, leaving the creator unset for ${wanted.size} instance(s) until the next run: ${error.message} (--no-creator-lookup writes "Undefined" instead)`,
      );
    } finally {
      spinner.stop();
    }
  }

  const { actions, untagged } = planActions(findings, instances, creators, plan.mode, creatorsUnknown);
  if (!plan.dryRun && !ctx.signal.aborted) {
    const ec2 = await ctx.services.ec2();
    const spinner = ctx.out.spinner(`applying ${actions.length} action(s)…`);
    try {
      await executeActions(actions, { ec2, clock, signal: ctx.signal, onProgress: (d, t) => spinner.update(`applying actions… ${d}/${t}`) });
    } finally {
      spinner.stop();
    }
  }
  return { scanned: findings.length, violations: findings.filter(isViolation).length, actions, untagged, creatorLookup: lookup };
}
