import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/lib/errors.js";
import { functionValue, validateRules } from "../../../src/lib/tags/rules.js";

const POST_RULES = [
  { RuleId: 1, TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "Proj007" },
  { RuleId: 2, TagKey: "CreatedBy", Action: "UserLookup", Required: "Y" },
  { RuleId: 3, TagKey: "Expires", Action: "Function", Required: "N", Default: "today()" },
];

function failure(raw: unknown): string {
  try {
    validateRules(raw, "rules.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("validateRules", () => {
  it("accepts the post's table, Required as Y/N or boolean, and a { rules: [...] } document", () => {
    const rules = validateRules({ rules: [...POST_RULES].reverse() }, "x");
    expect(rules.map((r) => [r.ruleId, r.tagKey, r.action, r.required])).toEqual([
      [1, "ProjectCode", "Update", true],
      [2, "CreatedBy", "UserLookup", true],
      [3, "Expires", "Function", false],
    ]);
    expect(validateRules([{ ...POST_RULES[1], Required: false, RuleId: "9" }], "x")[0]).toMatchObject({ ruleId: 9, required: false });
  });

  it("names the rule and the field of every problem", () => {
    expect(failure([{ TagKey: "A", Action: "Update", Required: "Y", Default: "x" }])).toBe("rules.yaml: rule #1: field RuleId must be a whole number");
    expect(failure([{ RuleId: 4, TagKey: "", Action: "Update", Required: "Y" }])).toMatch(/rule RuleId=4: field TagKey must be a non-empty string/);
    expect(failure([{ RuleId: 4, TagKey: "aws:x", Action: "Update", Required: "Y", Default: "v" }])).toMatch(/RuleId=4: field TagKey must not start with "aws:"/);
    expect(failure([{ RuleId: 4, TagKey: "A", Action: "update", Required: "Y" }])).toMatch(/RuleId=4: field Action must be Update, UserLookup or Function, got "update"/);
    expect(failure([{ RuleId: 4, TagKey: "A", Action: "UserLookup", Required: "maybe" }])).toMatch(/RuleId=4: field Required must be Y, N, true or false/);
    expect(failure([{ RuleId: 4, TagKey: "A", Action: "Update", Required: "Y" }])).toMatch(/RuleId=4: field Default is required for Action Update/);
    expect(failure([{ RuleId: 4, TagKey: "A", Action: "Function", Required: "N", Default: "now()" }])).toMatch(/RuleId=4: field Default must be today\(\) or today\(\+Nd\)/);
    expect(failure([{ RuleId: 4, TagKey: "A", Action: "Update", Required: "Y", Default: 7 }])).toMatch(/RuleId=4: field Default must be a string/);
    expect(failure([POST_RULES[0], { ...POST_RULES[1], RuleId: 1 }])).toMatch(/RuleId=1: field RuleId is used by more than one rule/);
    expect(failure([POST_RULES[0], { ...POST_RULES[1], TagKey: "ProjectCode" }])).toMatch(/RuleId=2: field TagKey "ProjectCode" is already governed by RuleId 1/);
    expect(failure([])).toMatch(/no rules found/);
    expect(failure("just text")).toMatch(/expected a list of rules/);
  });
});

describe("functionValue", () => {
  const [rule] = validateRules([{ RuleId: 1, TagKey: "Expires", Action: "Function", Required: "N", Default: "today(+30d)" }], "x");
  it("is the UTC date plus N days, across month and year ends", () => {
    expect(functionValue(rule!, new Date("2026-12-15T23:30:00-05:00"))).toBe("2027-01-15"); // already Dec 16 in UTC
    expect(functionValue({ ...rule!, plusDays: 0 }, new Date("2026-02-28T12:00:00Z"))).toBe("2026-02-28");
  });
});
