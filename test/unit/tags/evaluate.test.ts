import { describe, expect, it } from "vitest";
import type { Ec2Instance } from "../../../src/lib/aws/ec2.js";
import { evaluateInstance, isUntagged, isViolation } from "../../../src/lib/tags/evaluate.js";
import { validateRules } from "../../../src/lib/tags/rules.js";
import { buildScope, parseFilter } from "../../../src/lib/tags/scope.js";

const rules = validateRules(
  [
    { RuleId: 1, TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "Proj007" },
    { RuleId: 2, TagKey: "CreatedBy", Action: "UserLookup", Required: "Y" },
    { RuleId: 3, TagKey: "Expires", Action: "Function", Required: "N", Default: "today(+1d)" },
  ],
  "x",
);
const now = new Date("2026-11-25T10:00:00Z");
const instance = (tags: Record<string, string>): Ec2Instance => ({ instanceId: "i-1", vpcId: "vpc-1", state: "running", tags });

describe("evaluateInstance", () => {
  it("a missing required key is a violation; a missing optional one is not", () => {
    const f = evaluateInstance(instance({ Name: "web" }), rules, now);
    expect(f).toMatchObject({ untagged: false, missing: ["ProjectCode", "CreatedBy"], empty: [] });
    expect(f.planned).toEqual([
      { action: "Update", tagKey: "ProjectCode", value: "Proj007" },
      { action: "UserLookup", tagKey: "CreatedBy", value: null },
    ]);
  });

  it("an empty or blank value is a violation for any rule, and existing values are kept", () => {
    const f = evaluateInstance(instance({ ProjectCode: "P1", CreatedBy: "  ", Expires: "" }), rules, now);
    expect(f).toMatchObject({ missing: [], empty: ["CreatedBy", "Expires"] });
    expect(f.planned.map((x) => [x.tagKey, x.value])).toEqual([["CreatedBy", null], ["Expires", "2026-11-26"]]);
    expect(isViolation(evaluateInstance(instance({ ProjectCode: "P1", CreatedBy: "ana" }), rules, now))).toBe(false);
  });

  it("untagged means only aws: tags; untagged instances get no tag fixes", () => {
    expect(isUntagged({})).toBe(true);
    expect(isUntagged({ "aws:autoscaling:groupName": "g", "aws:cloudformation:stack-name": "s" })).toBe(true);
    expect(isUntagged({ Name: "" })).toBe(false);
    const f = evaluateInstance(instance({ "aws:autoscaling:groupName": "g" }), rules, now);
    expect(f).toMatchObject({ untagged: true, missing: ["ProjectCode", "CreatedBy"], planned: [] });
    expect(isViolation(f)).toBe(true);
  });
});

describe("buildScope", () => {
  it("adds VPC and the four policy states, and can only narrow the states", () => {
    expect(buildScope({ vpc: ["vpc-0abc1234", "vpc-0abc1234"] })).toEqual([
      { name: "vpc-id", values: ["vpc-0abc1234"] },
      { name: "instance-state-name", values: ["pending", "running", "stopping", "stopped"] },
    ]);
    expect(buildScope({ filter: ["instance-state-name=running,terminated", "Name=tag:Team,Values=a,b"] })).toEqual([
      { name: "tag:Team", values: ["a", "b"] },
      { name: "instance-state-name", values: ["running"] },
    ]);
    expect(() => buildScope({ filter: ["instance-state-name=terminated"] })).toThrow(/selects no state/);
    expect(() => parseFilter("Name=x")).toThrow(/not Name=Values/);
    expect(parseFilter("tag:Team=web")).toEqual({ name: "tag:Team", values: ["web"] });
    expect(parseFilter("Name=instance-type,Values=t3.micro")).toEqual({ name: "instance-type", values: ["t3.micro"] });
    expect(parseFilter("network-interface.subnet-id=subnet-1")).toEqual({ name: "network-interface.subnet-id", values: ["subnet-1"] });
  });

  it("refuses filter names EC2 does not define (they silently match nothing), suggesting tag:<Key>", () => {
    expect(() => parseFilter("Team=web")).toThrow(/--filter "Team=web": EC2 has no filter named "Team"/);
    expect(() => parseFilter("Name=Team,Values=web,api")).toThrow(expect.objectContaining({ hint: expect.stringContaining("--filter tag:Team=web,api") }));
    expect(() => parseFilter("instance_type=t3.micro")).toThrow(/no filter named "instance_type"/);
    expect(() => parseFilter("tag:=x")).toThrow(/no filter named "tag:"/);
  });
});
