import type { Ec2Instance } from "../aws/ec2.js";
import { functionValue, type RuleAction, type TagRule } from "./rules.js";

/** A fix the policy would make: write `value` to `tagKey`. UserLookup values come later, from CloudTrail. */
export interface TagFix {
  tagKey: string;
  action: RuleAction;
  reason: "missing" | "empty";
  /** null for UserLookup until the creator is known. */
  value: string | null;
}

export interface Finding {
  instanceId: string;
  vpcId: string | null;
  state: string;
  untagged: boolean;
  missing: string[];
  empty: string[];
  fixes: TagFix[];
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
  const fixes: TagFix[] = [];
  for (const rule of rules) {
    const value = instance.tags[rule.tagKey];
    let reason: TagFix["reason"] | undefined;
    if (value === undefined) {
      if (rule.required) reason = "missing";
    } else if (value.trim() === "") reason = "empty";
    if (!reason) continue;
    (reason === "missing" ? missing : empty).push(rule.tagKey);
    if (!untagged) fixes.push({ tagKey: rule.tagKey, action: rule.action, reason, value: plannedValue(rule, now) });
  }
  return {
    instanceId: instance.instanceId,
    vpcId: instance.vpcId ?? null,
    state: instance.state,
    untagged,
    missing,
    empty,
    fixes,
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
