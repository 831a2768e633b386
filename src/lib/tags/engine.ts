import { AwsError, FailureError } from "../errors.js";
import { findCreators, findResourceCreators, MAX_LOOKBACK_DAYS } from "./creators.js";
import { isViolation, type Finding } from "./evaluate.js";
import { executeActions } from "./execute.js";
import { takeInventory, type Policy, type TargetContext } from "./inventory.js";
import { createPacer, pacingClock } from "../pacing.js";
import { creatorsWanted, planActions, type EnforceAction, type UntaggedInstance, type UntaggedMode } from "./plan.js";
import { propagatedKeys, propagationActions } from "./propagate.js";
import { CREATE_EVENTS } from "./resource-types.js";

/**
 * The tag engine for ONE target (the caller's account and region, or one account × region of
 * an org run): scan and enforce as the CLI, the org runner and the scheduled Lambda all call
 * them. Nothing here prints results.
 */
export interface ScanResult {
  scanned: number;
  compliant: number;
  /** The findings that break a rule. */
  violations: Finding[];
}

export async function scanTarget(policy: Policy, ctx: TargetContext): Promise<ScanResult> {
  const { findings } = await takeInventory(policy, ctx);
  const violations = findings.filter(isViolation);
  return { scanned: findings.length, compliant: findings.length - violations.length, violations };
}

export interface EnforcePlan {
  mode: UntaggedMode;
  dryRun: boolean;
  lookbackDays?: number;
  /** false: skip the CloudTrail sweep on purpose (UserLookup values become "Undefined"). */
  creatorLookup?: boolean;
  /** `--propagate`: copy every rule's tag from instances to their volumes, ENIs and snapshots (rules with Propagate: Y do so anyway). */
  propagate?: boolean;
  /** `--propagate-overwrite`: replace a different value an owned resource already has. */
  propagateOverwrite?: boolean;
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
  const { instances, resources, findings } = await takeInventory(policy, ctx);
  const wanted = creatorsWanted(findings, instances);
  // Other resource types: by ARN, matched against their create event (CreateBucket, CreateTable…).
  const wantedOther = new Map<string, { resourceType: string; name: string }>();
  for (const f of findings) {
    const r = resources.get(f.instanceId);
    if (r && f.planned.some((fix) => fix.value === null)) wantedOther.set(r.arn, { resourceType: r.resourceType, name: r.name });
  }
  const lookup: CreatorLookup = { pages: 0, events: 0, wanted: wanted.size + wantedOther.size, found: 0 };
  let creators = new Map<string, string>();
  let creatorsUnknown = false;
  if (lookup.wanted > 0 && plan.creatorLookup === false) {
    lookup.error = "skipped (--no-creator-lookup)";
  } else if (lookup.wanted > 0 && !ctx.signal.aborted) {
    // Paced at the HTTP attempt (retries included), so the 2/s limit holds as CloudTrail sees it.
    const pacer = createPacer(CLOUDTRAIL_RATE, clock);
    const spinner = ctx.out.spinner(wantedOther.size ? `looking up who created ${lookup.wanted} resource(s) in CloudTrail…` : `looking up who launched ${wanted.size} instance(s) in CloudTrail…`);
    try {
      const cloudtrail = await ctx.services.cloudtrail({ beforeSend: (signal) => pacer.take(signal) });
      const deps = { api: cloudtrail, now: ctx.now(), lookbackDays: plan.lookbackDays ?? MAX_LOOKBACK_DAYS, signal: ctx.signal };
      if (wanted.size > 0) {
        const sweep = await findCreators(wanted, deps);
        creators = sweep.creators;
        Object.assign(lookup, { pages: sweep.pages, events: sweep.events, found: sweep.creators.size });
        ctx.out.info(`CloudTrail: ${lookup.pages} page(s), ${lookup.events} RunInstances event(s), creator found for ${lookup.found} of ${wanted.size} instance(s)`);
      }
      if (wantedOther.size > 0) {
        const sweep = await findResourceCreators(wantedOther, { ...deps, events: CREATE_EVENTS });
        for (const [arn, creator] of sweep.creators) creators.set(arn, creator);
        Object.assign(lookup, { pages: lookup.pages + sweep.pages, events: lookup.events + sweep.events, found: lookup.found + sweep.creators.size });
        ctx.out.info(`CloudTrail: ${sweep.pages} page(s) of create events, creator found for ${sweep.creators.size} of ${wantedOther.size} other resource(s)`);
      }
    } catch (error) {
      if (ctx.signal.aborted || !(error instanceof AwsError || error instanceof FailureError)) throw error;
      // The other tags are still fixed; a creator that cannot be known now is not written as
      // "Undefined" for good: it is left unset (deferred) for the next run to fill in.
      lookup.error = error.message;
      creatorsUnknown = true;
      ctx.out.warn(
        `CloudTrail lookup failed, leaving the creator unset for ${lookup.wanted} ${wantedOther.size ? "resource" : "instance"}(s) until the next run: ${error.message} (--no-creator-lookup writes "Undefined" instead)`,
      );
    } finally {
      spinner.stop();
    }
  }

  const { actions, untagged } = planActions(findings, instances, creators, plan.mode, creatorsUnknown, { rules: policy.rules, now: ctx.now() });
  const keys = propagatedKeys(policy.rules, Boolean(plan.propagate));
  if (keys.length > 0 && instances.size > 0 && !ctx.signal.aborted) {
    const ec2 = await ctx.services.ec2();
    if (!ec2.ownedResources) throw new Error("EC2 DescribeVolumes/NetworkInterfaces/Snapshots were not provided");
    const spinner = ctx.out.spinner(`listing volumes, network interfaces and snapshots of ${instances.size} instance(s)…`);
    try {
      const owned = await ec2.ownedResources([...instances.keys()], ctx.signal);
      actions.push(...propagationActions(instances, owned, actions, keys, { overwrite: Boolean(plan.propagateOverwrite) }));
    } finally {
      spinner.stop();
    }
  }
  if (!plan.dryRun && !ctx.signal.aborted) {
    const ec2 = await ctx.services.ec2();
    const tagging = ctx.services.tagging;
    const spinner = ctx.out.spinner(`applying ${actions.length} action(s)…`);
    try {
      await executeActions(actions, { ec2, tagging, clock, signal: ctx.signal, onProgress: (d, t) => spinner.update(`applying actions… ${d}/${t}`) });
    } finally {
      spinner.stop();
    }
  }
  return { scanned: findings.length, violations: findings.filter(isViolation).length, actions, untagged, creatorLookup: lookup };
}
