import { writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Ec2Api, Ec2Instance } from "../../../src/lib/aws/ec2.js";
import type { SnsApi } from "../../../src/lib/aws/sns.js";
import { enforce, type EnforceResult } from "../../../src/lib/tags/enforce.js";
import { UsageError } from "../../../src/lib/errors.js";
import { testContext } from "../../helpers/context.js";

const TOPIC = "arn:aws:sns:us-east-1:111111111111:tag-reports";

async function world(rules: unknown[], instances: Ec2Instance[]) {
  const dir = await mkdtemp(join(tmpdir(), "awsblog-tags-"));
  const policy = join(dir, "rules.json");
  await writeFile(policy, JSON.stringify(rules));
  const created: { ids: string[]; key: string; value: string }[] = [];
  const published: string[] = [];
  const ec2: Ec2Api = {
    async *describeInstances() {
      yield instances;
    },
    createTags: async (ids, key, value) => void created.push({ ids, key, value }),
    stopInstances: async () => {},
    terminateInstances: async () => {},
  };
  const sns: SnsApi = { publish: async (_topic, _subject, message) => (published.push(message), "m-1") };
  const { ctx } = testContext({ services: { ec2: async () => ec2, sns: async () => sns }, now: () => new Date("2026-12-06T09:00:00Z") });
  return { ctx, policy, created, published };
}

describe("Notify rules and --untagged tag", () => {
  it("a Notify rule (no grace) lists the resource in the SNS summary and the action becomes done when it is published", async () => {
    const w = await world([{ RuleId: 1, TagKey: "CostCenter", Action: "Notify", Required: "Y" }], [{ instanceId: "i-1", vpcId: "vpc-1", state: "running", tags: { Name: "a" } }]);
    const result = await enforce({ policy: w.policy, notify: TOPIC }, w.ctx);
    const data = result.data as EnforceResult;
    expect(data.actions).toEqual([{ instanceId: "i-1", action: "notify", reason: "missing", result: "done" }]);
    expect(w.published).toHaveLength(1);
    expect(w.published[0]).toContain("-- Instance i-1 (missing a required tag): notify — done");
    // Without a topic the rule cannot act: a usage error before any call.
    await expect(enforce({ policy: w.policy }, w.ctx)).rejects.toThrow(UsageError);
    await expect(enforce({ policy: w.policy }, w.ctx)).rejects.toThrow(/rule RuleId=1: Action Notify needs a topic to notify/);
  });

  it("--untagged tag gives untagged instances the rules' fixes instead of leaving them to --untagged", async () => {
    const rules = [{ RuleId: 1, TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "P7" }];
    const untagged: Ec2Instance = { instanceId: "i-bare", vpcId: "vpc-1", state: "running", tags: {} };
    const report = await world(rules, [untagged]);
    expect(((await enforce({ policy: report.policy }, report.ctx)).data as EnforceResult).actions).toEqual([]);
    const tag = await world(rules, [untagged]);
    const data = (await enforce({ policy: tag.policy, untagged: "tag" }, tag.ctx)).data as EnforceResult;
    expect(data.actions).toEqual([{ instanceId: "i-bare", action: "tag", tagKey: "ProjectCode", value: "P7", reason: "missing", result: "done" }]);
    expect(data.untagged.map((u) => u.instanceId)).toEqual(["i-bare"]);
    expect(tag.created).toEqual([{ ids: ["i-bare"], key: "ProjectCode", value: "P7" }]);
  });
});
