import type { Ec2Instance } from "../aws/ec2.js";
import { UNDEFINED_CREATOR } from "./creators.js";
import { ASG_TAG, isOpRule, MARK_KEY, type Finding } from "./evaluate.js";
import { functionValue, type TagRule } from "./rules.js";

export type UntaggedMode = "report" | "tag" | "stop" | "terminate";
export const UNTAGGED_MODES: UntaggedMode[] = ["report", "tag", "stop", "terminate"];

/** One change enforce makes (or would make, under --dry-run). Field names are the contract's. */
export interface EnforceAction {
  /** The EC2 instance id; for other resource types the ARN (propagation: the volume, ENI or snapshot id). */
  instanceId: string;
  /**
   * tag: write tagKey=value; stop/terminate: the instance; notify: listed in the --notify
   * summary; mark/unmark: the grace-period tag `awsblog:marked` written or removed.
   */
  action: "tag" | "stop" | "terminate" | "notify" | "mark" | "unmark";
  tagKey?: string;
  value?: string;
  /**
   * Why: the tag was missing or empty, the instance had no tags at all, a value outside
   * AllowedValues / not canonical (invalid), copied from the instance (propagated), or the
   * resource was fixed during its grace period (fixed).
   */
  reason: "missing" | "empty" | "untagged" | "invalid" | "propagated" | "fixed";
  /**
   * "deferred": a UserLookup value CloudTrail could not give now; left unset for the next run.
   * "marked": already marked, within its grace period (value: `<action>@<date>`); nothing done.
   */
  result: "done" | "failed" | "planned" | "deferred" | "marked";
  error?: string;
  /** Propagation: the instance the tag was copied from. */
  from?: string;
  /** Runs with --resource-types. */
  resourceType?: string;
  arn?: string | null;
}

export interface UntaggedInstance {
  instanceId: string;
  vpcId: string | null;
  state: string;
  autoScalingGroup: string | null;
  resourceType?: string;
  arn?: string | null;
}

/** What the plan needs besides the findings: the rules (Stop/Terminate/Notify, GraceDays) and today. */
export interface PlanContext {
  rules: TagRule[];
  now: Date;
}

const OP_STRENGTH = ["Notify", "Stop", "Terminate"] as const;

/** `<stop|terminate|notify>@<YYYY-MM-DD>`, or undefined for anything else. */
export function parseMark(value: string | undefined): { op: string; date: string } | undefined {
  const m = /^(stop|terminate|notify)@(\d{4}-\d{2}-\d{2})$/.exec(value ?? "");
  return m ? { op: m[1]!, date: m[2]! } : undefined;
}

const STOPPED_OR_STOPPING = new Set(["stopped", "stopping"]);

/**
 * Turns findings into the actions enforce takes. Tag fixes get their UserLookup value from
 * the CloudTrail sweep, "Undefined" when CloudTrail answered without a creator (or the lookup
 * was skipped on purpose); when CloudTrail could not be read (`creatorsUnknown`) the tag is
 * left unset — result "deferred" — for the next run to fill in. Untagged instances follow --untagged; Auto Scaling
 * members are never stopped or terminated (the group would just replace them), so their
 * action is recorded as failed with the reason instead.
 */
export function planActions(
  findings: Finding[],
  instances: Map<string, Ec2Instance>,
  creators: Map<string, string>,
  mode: UntaggedMode,
  creatorsUnknown = false,
  context?: PlanContext,
): { actions: EnforceAction[]; untagged: UntaggedInstance[] } {
  const actions: EnforceAction[] = [];
  const untagged: UntaggedInstance[] = [];
  for (const f of findings) {
    const located = f.resourceType !== undefined ? { resourceType: f.resourceType, arn: f.arn ?? null } : {};
    const push = (a: EnforceAction) => actions.push({ ...a, ...located });
    for (const fix of f.planned) {
      const reason = fix.action === "Normalize" ? "invalid" : f.missing.includes(fix.tagKey) ? "missing" : "empty";
      if (fix.value === null && creatorsUnknown && !creators.has(f.instanceId)) {
        push({ instanceId: f.instanceId, action: "tag", tagKey: fix.tagKey, reason, result: "deferred" });
        continue;
      }
      const value = fix.value ?? creators.get(f.instanceId) ?? UNDEFINED_CREATOR;
      push({ instanceId: f.instanceId, action: "tag", tagKey: fix.tagKey, value, reason, result: "planned" });
    }
    const group = instances.get(f.instanceId)?.tags[ASG_TAG] ?? null;
    const actsOnUntagged = f.untagged && (mode === "stop" || mode === "terminate");
    if (context && !actsOnUntagged) planOp(f, group, context, push);
    if (!f.untagged) continue;
    untagged.push({ instanceId: f.instanceId, vpcId: f.vpcId, state: f.state, autoScalingGroup: group, ...located });
    if (!actsOnUntagged || (mode === "stop" && STOPPED_OR_STOPPING.has(f.state))) continue;
    push(resourceAction(f, mode as "stop" | "terminate", "untagged", group));
  }
  return { actions, untagged };
}

/** Stop/terminate an instance now (never an Auto Scaling member: recorded as failed with the reason). */
function resourceAction(f: Finding, op: "stop" | "terminate" | "notify", reason: EnforceAction["reason"], group: string | null): EnforceAction {
  const action: EnforceAction = { instanceId: f.instanceId, action: op, reason, result: "planned" };
  if (group && op !== "notify") {
    action.result = "failed";
    action.error = `not ${op === "stop" ? "stopped" : "terminated"}: member of Auto Scaling group "${group}", which would replace it — fix the group's tag propagation or detach the instance`;
  }
  return action;
}

/**
 * Rules with Action Stop/Terminate/Notify: a resource missing (or with an empty) such key is
 * acted on — the strongest such rule wins. With GraceDays the first run marks it
 * (`awsblog:marked = <op>@<due date>`), runs before the due date report it as "marked", a run
 * on or after it acts. A marked resource that no longer breaks such a rule loses the mark.
 */
function planOp(f: Finding, group: string | null, context: PlanContext, push: (a: EnforceAction) => void): void {
  const broken = context.rules.filter((r) => isOpRule(r) && (f.missing.includes(r.tagKey) || f.empty.includes(r.tagKey)));
  const rule = broken.sort((a, b) => OP_STRENGTH.indexOf(b.action as (typeof OP_STRENGTH)[number]) - OP_STRENGTH.indexOf(a.action as (typeof OP_STRENGTH)[number]))[0];
  if (!rule) {
    if (f.marked !== undefined) push({ instanceId: f.instanceId, action: "unmark", tagKey: MARK_KEY, reason: "fixed", result: "planned" });
    return;
  }
  const op = rule.action.toLowerCase() as "stop" | "terminate" | "notify";
  const reason = f.missing.includes(rule.tagKey) ? "missing" : "empty";
  const mark = parseMark(f.marked);
  if (rule.graceDays) {
    const today = functionValue({ ...rule, plusDays: 0 }, context.now);
    if (!mark || mark.op !== op) {
      const due = functionValue({ ...rule, plusDays: rule.graceDays }, context.now);
      push({ instanceId: f.instanceId, action: "mark", tagKey: MARK_KEY, value: `${op}@${due}`, reason, result: "planned" });
      return;
    }
    if (today < mark.date) {
      push({ instanceId: f.instanceId, action: "mark", tagKey: MARK_KEY, value: f.marked, reason, result: "marked" });
      return;
    }
  }
  if (op === "stop" && STOPPED_OR_STOPPING.has(f.state)) return;
  push(resourceAction(f, op, reason, group));
}

/** Instances a UserLookup fix needs a creator for, with their best-known launch time. */
export function creatorsWanted(findings: Finding[], instances: Map<string, Ec2Instance>): Map<string, Date | undefined> {
  const wanted = new Map<string, Date | undefined>();
  for (const f of findings) {
    if (!f.planned.some((fix) => fix.value === null)) continue;
    const i = instances.get(f.instanceId);
    // Other resource types (ARN ids) are found by their own create events (findResourceCreators).
    if (!i && f.instanceId.startsWith("arn:")) continue;
    const times = [i?.firstSeen, i?.launchTime].filter((t): t is Date => t instanceof Date).map((t) => t.getTime());
    wanted.set(f.instanceId, times.length ? new Date(Math.min(...times)) : undefined);
  }
  return wanted;
}
