import { describe, expect, it } from "vitest";
import type { Ec2Api, Ec2Instance } from "../../../src/lib/aws/ec2.js";
import { AwsError } from "../../../src/lib/errors.js";
import { evaluateInstance } from "../../../src/lib/tags/evaluate.js";
import { executeActions } from "../../../src/lib/tags/execute.js";
import { planActions } from "../../../src/lib/tags/plan.js";
import { validateRules } from "../../../src/lib/tags/rules.js";
import { fakeClock } from "./fake-clock.js";

const rules = validateRules(
  [
    { RuleId: 1, TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "Proj007" },
    { RuleId: 2, TagKey: "CreatedBy", Action: "UserLookup", Required: "Y" },
  ],
  "x",
);
const now = new Date("2026-11-25T00:00:00Z");
const list: Omit<Ec2Instance, "vpcId">[] = [
    { instanceId: "i-tagged", state: "running", tags: { Name: "a" } },
    { instanceId: "i-run", state: "running", tags: {} },
    { instanceId: "i-stopped", state: "stopped", tags: {} },
    { instanceId: "i-asg", state: "running", tags: { "aws:autoscaling:groupName": "web" } },
];
const instances = new Map(list.map((i): [string, Ec2Instance] => [i.instanceId, { vpcId: "vpc-1", ...i }]));
const findings = [...instances.values()].map((i) => evaluateInstance(i, rules, now));

describe("planActions", () => {
  it("report: tag fixes only, every untagged instance listed", () => {
    const { actions, untagged } = planActions(findings, instances, new Map([["i-tagged", "alice"]]), "report");
    expect(actions.map((a) => [a.instanceId, a.action, a.tagKey, a.value])).toEqual([
      ["i-tagged", "tag", "ProjectCode", "Proj007"],
      ["i-tagged", "tag", "CreatedBy", "alice"],
    ]);
    expect(untagged.map((u) => [u.instanceId, u.autoScalingGroup])).toEqual([["i-run", null], ["i-stopped", null], ["i-asg", "web"]]);
  });

  it("stop: skips instances already stopped; never stops an Auto Scaling member", () => {
    const { actions } = planActions(findings, instances, new Map(), "stop");
    const lifecycle = actions.filter((a) => a.action !== "tag");
    expect(lifecycle.map((a) => [a.instanceId, a.action, a.result])).toEqual([["i-run", "stop", "planned"], ["i-asg", "stop", "failed"]]);
    expect(lifecycle[1]!.error).toMatch(/Auto Scaling group "web"/);
    expect(actions.find((a) => a.tagKey === "CreatedBy")!.value).toBe("Undefined");
  });
});

describe("executeActions", () => {
  it("rides out RequestLimitExceeded with backoff and finishes the batch", async () => {
    let attempts = 0;
    const ec2 = {
      createTags: async () => {
        if (++attempts === 1) throw new AwsError("EC2", "CreateTags", "RequestLimitExceeded", "Request limit exceeded.");
      },
    } as unknown as Ec2Api;
    const { actions } = planActions(findings, instances, new Map([["i-tagged", "alice"]]), "report");
    const clock = fakeClock();
    await executeActions(actions, { ec2, clock });
    expect(actions.map((a) => a.result)).toEqual(["done", "done"]);
    expect(attempts).toBe(3); // ProjectCode (throttled once, then ok) + CreatedBy
    expect(clock.sleeps).toHaveLength(1);
  });
});
