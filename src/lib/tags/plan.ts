import type { Ec2Instance } from "../aws/ec2.js";
import { UNDEFINED_CREATOR } from "./creators.js";
import { ASG_TAG, type Finding } from "./evaluate.js";

export type UntaggedMode = "report" | "stop" | "terminate";
export const UNTAGGED_MODES: UntaggedMode[] = ["report", "stop", "terminate"];

/** One change enforce makes (or would make, under --dry-run). Field names are the contract's. */
export interface EnforceAction {
  instanceId: string;
  action: "tag" | "stop" | "terminate";
  tagKey?: string;
  value?: string;
  /** Why: the tag was missing or empty, or the instance had no tags at all. */
  reason: "missing" | "empty" | "untagged";
  /** "deferred": a UserLookup value CloudTrail could not give now; left unset for the next run. */
  result: "done" | "failed" | "planned" | "deferred";
  error?: string;
}

export interface UntaggedInstance {
  instanceId: string;
  vpcId: string | null;
  state: string;
  autoScalingGroup: string | null;
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
): { actions: EnforceAction[]; untagged: UntaggedInstance[] } {
  const actions: EnforceAction[] = [];
  const untagged: UntaggedInstance[] = [];
  for (const f of findings) {
    for (const fix of f.fixes) {
      if (fix.value === null && creatorsUnknown && !creators.has(f.instanceId)) {
        actions.push({ instanceId: f.instanceId, action: "tag", tagKey: fix.tagKey, reason: fix.reason, result: "deferred" });
        continue;
      }
      const value = fix.value ?? creators.get(f.instanceId) ?? UNDEFINED_CREATOR;
      actions.push({ instanceId: f.instanceId, action: "tag", tagKey: fix.tagKey, value, reason: fix.reason, result: "planned" });
    }
    if (!f.untagged) continue;
    const group = instances.get(f.instanceId)?.tags[ASG_TAG] ?? null;
    untagged.push({ instanceId: f.instanceId, vpcId: f.vpcId, state: f.state, autoScalingGroup: group });
    if (mode === "report" || (mode === "stop" && STOPPED_OR_STOPPING.has(f.state))) continue;
    const action: EnforceAction = { instanceId: f.instanceId, action: mode, reason: "untagged", result: "planned" };
    if (group) {
      action.result = "failed";
      action.error = `not ${mode === "stop" ? "stopped" : "terminated"}: member of Auto Scaling group "${group}", which would replace it — fix the group's tag propagation or detach the instance`;
    }
    actions.push(action);
  }
  return { actions, untagged };
}

/** Instances a UserLookup fix needs a creator for, with their best-known launch time. */
export function creatorsWanted(findings: Finding[], instances: Map<string, Ec2Instance>): Map<string, Date | undefined> {
  const wanted = new Map<string, Date | undefined>();
  for (const f of findings) {
    if (!f.fixes.some((fix) => fix.value === null)) continue;
    const i = instances.get(f.instanceId);
    const times = [i?.firstSeen, i?.launchTime].filter((t): t is Date => t instanceof Date).map((t) => t.getTime());
    wanted.set(f.instanceId, times.length ? new Date(Math.min(...times)) : undefined);
  }
  return wanted;
}
