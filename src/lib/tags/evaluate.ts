import type { Ec2Instance } from "../aws/ec2.js";
import { functionValue, type RuleAction, type TagRule } from "./rules.js";

/** A fix the policy would make: write `value` to `tagKey`. UserLookup values come later, from CloudTrail. */
export interface TagFix {
  action: RuleAction;
  tagKey: string;
  /** null for UserLookup until the creator is known. */
  value: string | null;
}

/**
 * One instance checked against the rules — the one shape for it: `tags scan` prints the
 * violating ones as `violations[]` (contract §3, field order included), enforce plans from
 * them, the --report file writes them, an org run adds accountId/region.
 */
export interface Finding {
  instanceId: string;
  vpcId: string | null;
  state: string;
  untagged: boolean;
  /** Required keys that are absent. */
  missing: string[];
  /** Keys present with an empty (or blank) value. */
  empty: string[];
  /** The tag fixes enforce would make (none for an untagged instance: --untagged decides). */
  planned: TagFix[];
}

/** Instances launched by an Auto Scaling group carry this AWS-managed tag. */
export const ASG_TAG = "aws:autoscaling:groupName";

/** No tags at all, or only AWS-managed `aws:` ones (e.g. Auto Scaling, CloudFormation). */
export function isUntagged(tags: Record<string, string>): boolean {
  return Object.keys(tags).every((key) => key.toLowerCase().startsWith("aws:"));
}

/**
 * Checks one instance against the rules. A Required rule's key must exist; any rule's key
 * that exists with an empty (or blank) value is a violation. Existing non-empty values are
 * never overwritten. Untagged instances get no tag fixes: `--untagged` decides their fate.
 */
export function evaluateInstance(instance: Ec2Instance, rules: TagRule[], now: Date): Finding {
  const untagged = isUntagged(instance.tags);
  const missing: string[] = [];
  const empty: string[] = [];
  const planned: TagFix[] = [];
  for (const rule of rules) {
    const value = instance.tags[rule.tagKey];
    let reason: "missing" | "empty" | undefined;
    if (value === undefined) {
      if (rule.required) reason = "missing";
    } else if (value.trim() === "") reason = "empty";
    if (!reason) continue;
    (reason === "missing" ? missing : empty).push(rule.tagKey);
    if (!untagged) planned.push({ action: rule.action, tagKey: rule.tagKey, value: plannedValue(rule, now) });
  }
  return {
    instanceId: instance.instanceId,
    vpcId: instance.vpcId ?? null,
    state: instance.state,
    untagged,
    missing,
    empty,
    planned,
  };
}

function plannedValue(rule: TagRule, now: Date): string | null {
  if (rule.action === "Update") return rule.default ?? "";
  if (rule.action === "Function") return functionValue(rule, now);
  return null;
}

export function isViolation(f: Finding): boolean {
  return f.untagged || f.missing.length > 0 || f.empty.length > 0;
}
