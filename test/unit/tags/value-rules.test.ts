import { describe, expect, it } from "vitest";
import type { Ec2Instance } from "../../../src/lib/aws/ec2.js";
import { UsageError } from "../../../src/lib/errors.js";
import { evaluateInstance, isViolation } from "../../../src/lib/tags/evaluate.js";
import { planActions } from "../../../src/lib/tags/plan.js";
import { validateRules } from "../../../src/lib/tags/rules.js";

const env = (extra: Record<string, unknown> = {}) => ({ RuleId: 1, TagKey: "Environment", Action: "Update", Required: "N", Default: "Production", AllowedValues: ["Production", "Staging"], ...extra });

function failure(raw: unknown[]): string {
  try {
    validateRules(raw, "rules.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("expected a usage error");
}

const instance = (tags: Record<string, string>): Ec2Instance => ({ instanceId: "i-1", vpcId: "vpc-1", state: "running", tags });
const now = new Date("2026-12-06T10:00:00Z");

describe("AllowedValues and Normalize", () => {
  it("validation errors are one line naming the rule and field", () => {
    expect(failure([env({ AllowedValues: [] })])).toBe("rules.yaml: rule RuleId=1: field AllowedValues must be a non-empty list of non-empty strings (at most 256 characters each)");
    expect(failure([env({ AllowedValues: "Production" })])).toMatch(/RuleId=1: field AllowedValues must be a non-empty list/);
    expect(failure([env({ Normalize: ["prod"] })])).toMatch(/RuleId=1: field Normalize must be a map of accepted spelling to canonical value/);
    expect(failure([env({ Normalize: { prod: "Prod" } })])).toBe('rules.yaml: rule RuleId=1: field Normalize maps "prod" to "Prod", which is not in AllowedValues');
    expect(failure([env({ Normalize: { prod: "Production", PROD: "Staging" }, NormalizeCase: "insensitive" })])).toMatch(/field Normalize maps "PROD" to both "Production" and "Staging" \(NormalizeCase insensitive\)/);
    expect(failure([env({ NormalizeCase: "loose" })])).toMatch(/RuleId=1: field NormalizeCase must be sensitive or insensitive, got "loose"/);
    expect(failure([env({ Default: "Dev" })])).toBe('rules.yaml: rule RuleId=1: field Default "Dev" is not in AllowedValues');
    expect(failure([{ RuleId: 2, TagKey: "Owner", Action: "Update", Required: "Y", Default: "x", GraceDays: 3 }])).toMatch(/RuleId=2: field GraceDays applies to Action Stop, Terminate or Notify, not Update/);
    expect(failure([{ RuleId: 2, TagKey: "Owner", Action: "Stop", Required: "Y", GraceDays: -1 }])).toMatch(/RuleId=2: field GraceDays must be a whole number of days from 0 to 365, got -1/);
    expect(failure([{ RuleId: 2, TagKey: "Owner", Action: "Stop", Required: "Y", Default: "x" }])).toMatch(/RuleId=2: field Default has no use with Action Stop/);
    expect(failure([{ RuleId: 2, TagKey: "Owner", Action: "Stop", Required: "Y", Propagate: "sometimes" }])).toMatch(/RuleId=2: field Propagate must be Y, N, true or false/);
  });

  it("a value outside AllowedValues is a violation; an accepted spelling is rewritten (case-insensitive on request)", () => {
    const [sensitive] = validateRules([env({ Normalize: { prod: "Production" } })], "x");
    const [insensitive] = validateRules([env({ Normalize: { prod: "Production" }, NormalizeCase: "insensitive" })], "x");
    expect(evaluateInstance(instance({ Environment: "Production" }), [sensitive!], now).invalid).toBeUndefined();
    expect(evaluateInstance(instance({ Environment: "prod" }), [sensitive!], now)).toMatchObject({ invalid: [{ tagKey: "Environment", value: "prod", canonical: "Production" }], planned: [{ action: "Normalize", tagKey: "Environment", value: "Production" }] });
    // Case-sensitive: "Prod" is neither allowed nor a listed spelling.
    const prod = evaluateInstance(instance({ Environment: "Prod" }), [sensitive!], now);
    expect(prod).toMatchObject({ invalid: [{ value: "Prod", canonical: null }], planned: [] });
    expect(isViolation(prod)).toBe(true);
    expect(evaluateInstance(instance({ Environment: "PROD" }), [insensitive!], now).planned).toEqual([{ action: "Normalize", tagKey: "Environment", value: "Production" }]);
    expect(evaluateInstance(instance({ Environment: "staging" }), [insensitive!], now).planned).toEqual([{ action: "Normalize", tagKey: "Environment", value: "Staging" }]);
    // Normalize without AllowedValues rewrites known spellings and lets other values pass.
    const [loose] = validateRules([{ RuleId: 1, TagKey: "Team", Action: "Update", Required: "N", Default: "web", Normalize: { WEB: "web" } }], "x");
    expect(evaluateInstance(instance({ Team: "WEB" }), [loose!], now).planned).toEqual([{ action: "Normalize", tagKey: "Team", value: "web" }]);
    expect(isViolation(evaluateInstance(instance({ Team: "data" }), [loose!], now))).toBe(false);
  });

  it("enforce plans the rewrite as a tag action with reason invalid", () => {
    const rules = validateRules([env({ Normalize: { prod: "Production" } })], "x");
    const i = instance({ Environment: "prod", Name: "a" });
    const { actions } = planActions([evaluateInstance(i, rules, now)], new Map([["i-1", i]]), new Map(), "report", false, { rules, now });
    expect(actions).toEqual([{ instanceId: "i-1", action: "tag", tagKey: "Environment", value: "Production", reason: "invalid", result: "planned" }]);
  });
});

describe("GraceDays (pinned clock)", () => {
  const rules = validateRules(
    [
      { RuleId: 1, TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "P" },
      { RuleId: 2, TagKey: "Owner", Action: "Stop", Required: "Y", GraceDays: 7 },
      { RuleId: 3, TagKey: "CostCenter", Action: "Notify", Required: "Y", GraceDays: 2 },
    ],
    "x",
  );
  const plan = (tags: Record<string, string>, at: Date, state = "running") => {
    const i = { ...instance(tags), state };
    return planActions([evaluateInstance(i, rules, at)], new Map([["i-1", i]]), new Map(), "report", false, { rules, now: at }).actions.filter((a) => a.action !== "tag");
  };
  const day = (d: string) => new Date(`${d}T10:00:00Z`);

  it("first run marks with the strongest action and its due date; before the date it stays marked; on the date it acts", () => {
    expect(plan({ ProjectCode: "P", CostCenter: "7" }, day("2026-12-06"))).toEqual([{ instanceId: "i-1", action: "mark", tagKey: "awsblog:marked", value: "stop@2026-12-13", reason: "missing", result: "planned" }]);
    expect(plan({ ProjectCode: "P", CostCenter: "7", "awsblog:marked": "stop@2026-12-13" }, day("2026-12-12"))).toEqual([
      { instanceId: "i-1", action: "mark", tagKey: "awsblog:marked", value: "stop@2026-12-13", reason: "missing", result: "marked" },
    ]);
    expect(plan({ ProjectCode: "P", CostCenter: "7", "awsblog:marked": "stop@2026-12-13" }, day("2026-12-13"))).toEqual([{ instanceId: "i-1", action: "stop", reason: "missing", result: "planned" }]);
    // Already stopped: nothing more to do, the mark stays.
    expect(plan({ ProjectCode: "P", CostCenter: "7", "awsblog:marked": "stop@2026-12-13" }, day("2026-12-20"), "stopped")).toEqual([]);
  });

  it("a resource fixed in between loses the mark; a weaker remaining violation re-marks for its own action", () => {
    expect(plan({ ProjectCode: "P", Owner: "ana", CostCenter: "7", "awsblog:marked": "stop@2026-12-13" }, day("2026-12-08"))).toEqual([{ instanceId: "i-1", action: "unmark", tagKey: "awsblog:marked", reason: "fixed", result: "planned" }]);
    expect(plan({ ProjectCode: "P", Owner: "ana", "awsblog:marked": "stop@2026-12-13" }, day("2026-12-08"))).toEqual([{ instanceId: "i-1", action: "mark", tagKey: "awsblog:marked", value: "notify@2026-12-10", reason: "missing", result: "planned" }]);
    // The mark alone does not make an instance "tagged".
    expect(evaluateInstance(instance({ "awsblog:marked": "stop@2026-12-13" }), rules, now).untagged).toBe(true);
  });
});
