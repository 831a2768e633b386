import type { Ec2Instance } from "../aws/ec2.js";
import { functionValue, OP_ACTIONS, type OpAction, type RuleAction, type TagRule } from "./rules.js";

/** A fix the policy would make: write `value` to `tagKey`. UserLookup values come later, from CloudTrail. */
export interface TagFix {
  /** The rule's Action, or "Normalize" for a value rewritten to its canonical spelling. */
  action: Exclude<RuleAction, OpAction> | "Normalize";
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
  /** Present values outside a rule's AllowedValues, or not in its canonical spelling (only when any). */
  invalid?: InvalidValue[];
  /** The resource's `awsblog:marked` tag (`<action>@<YYYY-MM-DD>`), when it has one. */
  marked?: string;
  /** Runs with --resource-types: the type (`ec2:instance`, `s3`, `lambda:function`…) and ARN. */
  resourceType?: string;
  arn?: string | null;
}

export interface InvalidValue {
  tagKey: string;
  value: string;
  /** The canonical value Normalize maps it to; null when only AllowedValues rejects it. */
  canonical: string | null;
}

/** The grace-period mark: `awsblog:marked = <stop|terminate|notify>@<YYYY-MM-DD>`. */
export const MARK_KEY = "awsblog:marked";

/** Instances launched by an Auto Scaling group carry this AWS-managed tag. */
export const ASG_TAG = "aws:autoscaling:groupName";

/** No tags at all, or only AWS-managed `aws:` ones (e.g. Auto Scaling, CloudFormation). */
export function isUntagged(tags: Record<string, string>): boolean {
  // The grace mark is awsblog's own bookkeeping: it does not make a resource "tagged".
  return Object.keys(tags).every((key) => key.toLowerCase().startsWith("aws:") || key === MARK_KEY);
}

/**
 * Checks one instance against the rules. A Required rule's key must exist; any rule's key
 * that exists with an empty (or blank) value is a violation. Existing non-empty values are
 * never overwritten. Untagged instances get no tag fixes: `--untagged` decides their fate.
 */
export function evaluateInstance(instance: Ec2Instance, rules: TagRule[], now: Date, options: EvaluateOptions = {}): Finding {
  return evaluateTags({ id: instance.instanceId, vpcId: instance.vpcId ?? null, state: instance.state, tags: instance.tags }, rules, now, options);
}

export interface EvaluateOptions {
  /** `--untagged tag`: untagged resources get the rules' fixes like any other. */
  fixUntagged?: boolean;
}

/** Any resource's tags against the rules (an instance, or a resource GetResources listed). */
export function evaluateTags(
  resource: { id: string; vpcId: string | null; state: string; tags: Record<string, string> },
  rules: TagRule[],
  now: Date,
  options: EvaluateOptions = {},
): Finding {
  const { tags } = resource;
  const untagged = isUntagged(tags);
  const missing: string[] = [];
  const empty: string[] = [];
  const planned: TagFix[] = [];
  const invalid: InvalidValue[] = [];
  for (const rule of rules) {
    const value = tags[rule.tagKey];
    let reason: "missing" | "empty" | undefined;
    if (value === undefined) {
      if (rule.required) reason = "missing";
    } else if (value.trim() === "") reason = "empty";
    if (!reason) {
      if (value !== undefined) {
        const bad = checkValue(rule, value);
        if (bad) {
          invalid.push(bad);
          if (bad.canonical !== null) planned.push({ action: "Normalize", tagKey: rule.tagKey, value: bad.canonical });
        }
      }
      continue;
    }
    (reason === "missing" ? missing : empty).push(rule.tagKey);
    if (isOpRule(rule)) continue; // Stop/Terminate/Notify write no value: the plan acts on the resource
    if (!untagged || options.fixUntagged) planned.push({ action: rule.action as TagFix["action"], tagKey: rule.tagKey, value: plannedValue(rule, now) });
  }
  const finding: Finding = { instanceId: resource.id, vpcId: resource.vpcId, state: resource.state, untagged, missing, empty, planned };
  if (invalid.length) finding.invalid = invalid;
  if (tags[MARK_KEY] !== undefined) finding.marked = tags[MARK_KEY];
  return finding;
}

export function isOpRule(rule: TagRule): boolean {
  return OP_ACTIONS.includes(rule.action as OpAction);
}

/**
 * A present value against AllowedValues and Normalize: an accepted spelling that is not the
 * canonical one is rewritten; a value neither allowed nor mapped is reported (no value to guess).
 */
export function checkValue(rule: TagRule, value: string): InvalidValue | undefined {
  if (!rule.allowedValues && !rule.normalize) return undefined;
  const fold = (v: string) => (rule.caseInsensitive ? v.toLowerCase() : v);
  const canonicals = new Set([...(rule.allowedValues ?? []), ...Object.values(rule.normalize ?? {})]);
  if (canonicals.has(value)) return undefined; // already the canonical spelling
  const mapped = Object.entries(rule.normalize ?? {}).find(([spelling]) => fold(spelling) === fold(value))?.[1];
  // Case-insensitive: "PROD" against AllowedValues [prod] is rewritten to "prod".
  const byCase = rule.caseInsensitive ? [...canonicals].find((c) => fold(c) === fold(value)) : undefined;
  const canonical = mapped ?? byCase;
  if (canonical !== undefined) return canonical === value ? undefined : { tagKey: rule.tagKey, value, canonical };
  // Normalize alone (no AllowedValues) only rewrites known spellings; other values pass.
  if (!rule.allowedValues) return undefined;
  return { tagKey: rule.tagKey, value, canonical: null };
}

function plannedValue(rule: TagRule, now: Date): string | null {
  if (rule.action === "Update") return rule.default ?? "";
  if (rule.action === "Function") return functionValue(rule, now);
  return null;
}

export function isViolation(f: Finding): boolean {
  return f.untagged || f.missing.length > 0 || f.empty.length > 0 || (f.invalid?.length ?? 0) > 0;
}
