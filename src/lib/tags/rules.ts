import { UsageError } from "../errors.js";

/**
 * A tag rule, with the attributes of the post's DynamoDB table. `Required` decides whether a
 * missing key is a violation; a key that is present with an empty value always is.
 */
export type RuleAction = "Update" | "UserLookup" | "Function";

export interface TagRule {
  ruleId: number;
  tagKey: string;
  action: RuleAction;
  required: boolean;
  default?: string;
  /** Parsed `today(+Nd)` for Function rules: days to add to today's UTC date. */
  plusDays?: number;
}

const ACTIONS: RuleAction[] = ["Update", "UserLookup", "Function"];
const FUNCTION_RE = /^today\(\s*(?:\+\s*(\d{1,5})\s*d)?\s*\)$/i;
const MAX_KEY = 128;
const MAX_VALUE = 256;

/**
 * Validates raw rule records (from JSON, YAML or DynamoDB). Every problem is a usage error
 * naming the rule and field, found before any AWS call changes anything.
 */
export function validateRules(raw: unknown, source: string): TagRule[] {
  const list = rulesList(raw, source);
  if (list.length === 0) throw new UsageError(`${source}: no rules found`, "add at least one rule (RuleId, TagKey, Action, Required)");
  const rules = list.map((item, index) => validateRule(item, index, source));
  const ids = new Set<number>();
  const keys = new Map<string, number>();
  for (const rule of rules) {
    if (ids.has(rule.ruleId)) throw ruleError(source, rule.ruleId, "RuleId", "is used by more than one rule");
    ids.add(rule.ruleId);
    const other = keys.get(rule.tagKey);
    if (other !== undefined) throw ruleError(source, rule.ruleId, "TagKey", `"${rule.tagKey}" is already governed by RuleId ${other}`);
    keys.set(rule.tagKey, rule.ruleId);
  }
  return rules.sort((a, b) => a.ruleId - b.ruleId);
}

function rulesList(raw: unknown, source: string): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (raw && typeof raw === "object") {
    const obj = raw as Record<string, unknown>;
    const inner = obj.rules ?? obj.Rules;
    if (Array.isArray(inner)) return inner;
  }
  throw new UsageError(`${source}: expected a list of rules (or an object with a "rules" list)`, "see `awsblog tags scan --help` for the rule format");
}

function validateRule(item: unknown, index: number, source: string): TagRule {
  const label = `#${index + 1}`;
  if (!item || typeof item !== "object" || Array.isArray(item)) throw ruleError(source, label, "", "is not an object");
  const r = item as Record<string, unknown>;
  const ruleId = typeof r.RuleId === "string" && /^\d+$/.test(r.RuleId.trim()) ? Number(r.RuleId) : r.RuleId;
  if (typeof ruleId !== "number" || !Number.isSafeInteger(ruleId)) throw ruleError(source, label, "RuleId", "must be a whole number");
  const id = ruleId;

  const tagKey = r.TagKey;
  if (typeof tagKey !== "string" || tagKey.trim() === "") throw ruleError(source, id, "TagKey", "must be a non-empty string");
  if (tagKey.length > MAX_KEY) throw ruleError(source, id, "TagKey", `is longer than ${MAX_KEY} characters`);
  if (/^aws:/i.test(tagKey)) throw ruleError(source, id, "TagKey", 'must not start with "aws:" (reserved by AWS)');

  const action = r.Action;
  if (typeof action !== "string" || !ACTIONS.includes(action as RuleAction)) {
    throw ruleError(source, id, "Action", `must be Update, UserLookup or Function, got ${JSON.stringify(action)}`);
  }
  const required = parseRequired(r.Required, source, id);

  const def = r.Default;
  if (def !== undefined && def !== null && typeof def !== "string") throw ruleError(source, id, "Default", "must be a string");
  const defaultValue = typeof def === "string" ? def : undefined;
  if (defaultValue !== undefined && defaultValue.length > MAX_VALUE) throw ruleError(source, id, "Default", `is longer than ${MAX_VALUE} characters`);

  const rule: TagRule = { ruleId: id, tagKey, action: action as RuleAction, required };
  if (defaultValue !== undefined) rule.default = defaultValue;
  if (action === "Update" && (defaultValue === undefined || defaultValue.trim() === "")) {
    throw ruleError(source, id, "Default", "is required for Action Update (the value to write)");
  }
  if (action === "Function") {
    const match = FUNCTION_RE.exec((defaultValue ?? "").trim());
    if (!match) throw ruleError(source, id, "Default", `must be today() or today(+Nd) for Action Function, got ${JSON.stringify(defaultValue ?? null)}`);
    rule.plusDays = match[1] ? Number(match[1]) : 0;
  }
  return rule;
}

function parseRequired(value: unknown, source: string, id: number): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^[yn]$/i.test(value.trim())) return value.trim().toUpperCase() === "Y";
  throw ruleError(source, id, "Required", `must be Y, N, true or false, got ${JSON.stringify(value ?? null)}`);
}

function ruleError(source: string, rule: number | string, field: string, problem: string): UsageError {
  const which = typeof rule === "number" ? `rule RuleId=${rule}` : `rule ${rule}`;
  return new UsageError(`${source}: ${which}${field ? `: field ${field}` : ""} ${problem}`, "fix the rule and run again; nothing was changed");
}

/** The value a Function rule writes: today's UTC date, plus N days. */
export function functionValue(rule: TagRule, now: Date): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + (rule.plusDays ?? 0)));
  return day.toISOString().slice(0, 10);
}
