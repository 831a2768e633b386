import { UsageError } from "../errors.js";

/**
 * A tag rule, with the attributes of the post's DynamoDB table. `Required` decides whether a
 * missing key is a violation; a key that is present with an empty value always is.
 */
export type RuleAction = "Update" | "UserLookup" | "Function" | OpAction;
/** Actions on the resource itself (not a value to write): a missing/empty key stops, terminates or notifies. */
export type OpAction = "Stop" | "Terminate" | "Notify";
export const OP_ACTIONS: OpAction[] = ["Stop", "Terminate", "Notify"];

export interface TagRule {
  ruleId: number;
  tagKey: string;
  action: RuleAction;
  required: boolean;
  default?: string;
  /** Parsed `today(+Nd)` for Function rules: days to add to today's UTC date. */
  plusDays?: number;
  /** A present value outside this list is a violation (after Normalize). */
  allowedValues?: string[];
  /** Accepted spelling → canonical value; enforce rewrites the spelling. */
  normalize?: Record<string, string>;
  /** true: Normalize (and AllowedValues) match without regard to case. */
  caseInsensitive?: boolean;
  /** Stop/Terminate/Notify rules: mark first, act when this many days have passed. */
  graceDays?: number;
  /** Copy this rule's tag from an instance to its volumes, network interfaces and their snapshots. */
  propagate?: boolean;
}

const ACTIONS: RuleAction[] = ["Update", "UserLookup", "Function", ...OP_ACTIONS];
const MAX_GRACE_DAYS = 365;
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
    throw ruleError(source, id, "Action", `must be Update, UserLookup or Function, got ${JSON.stringify(action)} (or Stop, Terminate, Notify to act on the resource)`);
  }
  const required = parseRequired(r.Required, source, id);
  if (OP_ACTIONS.includes(action as OpAction) && r.Default !== undefined && r.Default !== null) {
    throw ruleError(source, id, "Default", `has no use with Action ${action as string} (it writes no value)`);
  }

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
  Object.assign(rule, valueRules(r, source, id, rule), opRules(r, source, id, rule));
  if (r.Propagate !== undefined && r.Propagate !== null) rule.propagate = parseFlag(r.Propagate, source, id, "Propagate");
  return rule;
}

/** AllowedValues, Normalize, NormalizeCase: which values a present key may hold. */
function valueRules(r: Record<string, unknown>, source: string, id: number, rule: TagRule): Partial<TagRule> {
  const out: Partial<TagRule> = {};
  const nc = r.NormalizeCase;
  if (nc !== undefined && nc !== null) {
    if (typeof nc !== "string" || !/^(in)?sensitive$/i.test(nc)) throw ruleError(source, id, "NormalizeCase", `must be sensitive or insensitive, got ${JSON.stringify(nc)}`);
    out.caseInsensitive = /^insensitive$/i.test(nc);
  }
  const fold = (v: string) => (out.caseInsensitive ? v.toLowerCase() : v);
  if (r.AllowedValues !== undefined && r.AllowedValues !== null) {
    const list = r.AllowedValues;
    if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === "string" && v.trim() !== "" && v.length <= MAX_VALUE)) {
      throw ruleError(source, id, "AllowedValues", `must be a non-empty list of non-empty strings (at most ${MAX_VALUE} characters each)`);
    }
    out.allowedValues = list as string[];
  }
  if (r.Normalize !== undefined && r.Normalize !== null) {
    const map = r.Normalize;
    if (typeof map !== "object" || Array.isArray(map)) throw ruleError(source, id, "Normalize", "must be a map of accepted spelling to canonical value, e.g. { prod: Production }");
    const entries = Object.entries(map as Record<string, unknown>);
    if (entries.length === 0) throw ruleError(source, id, "Normalize", "is empty");
    const seen = new Map<string, string>();
    for (const [spelling, canonical] of entries) {
      if (typeof canonical !== "string" || canonical.trim() === "" || canonical.length > MAX_VALUE) throw ruleError(source, id, "Normalize", `value of "${spelling}" must be a non-empty string (at most ${MAX_VALUE} characters)`);
      if (out.allowedValues && !out.allowedValues.some((a) => fold(a) === fold(canonical))) {
        throw ruleError(source, id, "Normalize", `maps "${spelling}" to "${canonical}", which is not in AllowedValues`);
      }
      const other = seen.get(fold(spelling));
      if (other !== undefined && other !== canonical) throw ruleError(source, id, "Normalize", `maps "${spelling}" to both "${other}" and "${canonical}"${out.caseInsensitive ? " (NormalizeCase insensitive)" : ""}`);
      seen.set(fold(spelling), canonical);
    }
    out.normalize = Object.fromEntries(entries) as Record<string, string>;
  } else if (out.caseInsensitive && !out.allowedValues) {
    throw ruleError(source, id, "NormalizeCase", "needs Normalize or AllowedValues to apply to");
  }
  if (out.allowedValues && rule.default !== undefined && rule.action === "Update" && !out.allowedValues.some((a) => fold(a) === fold(rule.default!))) {
    throw ruleError(source, id, "Default", `"${rule.default}" is not in AllowedValues`);
  }
  return out;
}

/** Stop/Terminate/Notify rules and their GraceDays. */
function opRules(r: Record<string, unknown>, source: string, id: number, rule: TagRule): Partial<TagRule> {
  const grace = r.GraceDays;
  const isOp = OP_ACTIONS.includes(rule.action as OpAction);
  if (grace === undefined || grace === null) return {};
  if (!isOp) throw ruleError(source, id, "GraceDays", `applies to Action Stop, Terminate or Notify, not ${rule.action}`);
  const days = typeof grace === "string" && /^\d+$/.test(grace.trim()) ? Number(grace) : grace;
  if (typeof days !== "number" || !Number.isInteger(days) || days < 0 || days > MAX_GRACE_DAYS) throw ruleError(source, id, "GraceDays", `must be a whole number of days from 0 to ${MAX_GRACE_DAYS}, got ${JSON.stringify(grace)}`);
  return { graceDays: days };
}

function parseFlag(value: unknown, source: string, id: number, field: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(y|n|true|false)$/i.test(value.trim())) return /^(y|true)$/i.test(value.trim());
  throw ruleError(source, id, field, `must be Y, N, true or false, got ${JSON.stringify(value)}`);
}

/** True when the run's rules stop, terminate or notify (Action Stop/Terminate/Notify). */
export function opRulesIn(rules: TagRule[], actions: OpAction[] = OP_ACTIONS): TagRule[] {
  return rules.filter((r) => actions.includes(r.action as OpAction));
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
