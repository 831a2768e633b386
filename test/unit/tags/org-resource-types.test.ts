import { describe, expect, it } from "vitest";
import type { Ec2Api } from "../../../src/lib/aws/ec2.js";
import type { CallerStsApi } from "../../../src/lib/aws/sts-caller.js";
import type { TaggingApi } from "../../../src/lib/aws/tagging.js";
import type { Services, TargetSettings } from "../../../src/lib/services.js";
import type { OrgScanResult } from "../../../src/lib/tags/org-run.js";
import { scan } from "../../../src/lib/tags/scan.js";
import { testContext } from "../../helpers/context.js";
import { fakeClock } from "./fake-clock.js";

const CALLER = "111111111111";
const MEMBER = "222222222222";
const NOW = new Date("2026-12-06T12:00:00Z");

describe("--resource-types across targets", () => {
  it("each target lists its own resources with GetResources paced by that target's Tagging API bucket; findings carry account, region, type and ARN", async () => {
    const clock = fakeClock(1_000);
    const paced: string[] = [];
    const sts: CallerStsApi = {
      callerIdentity: async () => ({ account: CALLER, arn: `arn:aws:iam::${CALLER}:user/ops` }),
      region: async () => "us-east-1",
      assumeRole: async () => ({ accessKeyId: "A", secretAccessKey: "s", sessionToken: "t", expiration: new Date(NOW.getTime() + 3_600_000) }),
    };
    const forTarget = (target: TargetSettings): Services => {
      const tagging: TaggingApi = {
        async *getResources(types) {
          expect(types).toEqual(["s3", "dynamodb:table"]);
          // 11 requests against the target's GetResources bucket (burst 10): the last one waits.
          const bucket = target.limiter?.("ResourceGroupsTaggingAPI.GetResources");
          for (let i = 0; i < 11; i++) await bucket?.take();
          if (bucket) paced.push(`${target.accountId}/${target.region}`);
          yield [{ arn: `arn:aws:dynamodb:${target.region}:${target.accountId}:table/orders`, tags: { Team: "x" } }];
        },
        tagResources: async () => [],
        untagResources: async () => [],
      };
      const ec2 = { describeInstances: async function* () {} } as unknown as Ec2Api;
      return { tagging: async () => tagging, ec2: async () => ec2, sleep: clock.sleep, monotonicNow: clock.now } as unknown as Services;
    };
    const t = testContext({ now: () => NOW, services: { callerSts: async () => sts, forTarget, sleep: clock.sleep, monotonicNow: clock.now }, format: "json" });
    const result = await scan({ policy: "test/fixtures/tags/rules.yaml", resourceTypes: ["s3", "dynamodb:table"], accounts: [CALLER, MEMBER], regions: ["us-east-1"], concurrency: 2 }, t.ctx);
    const data = result.data as OrgScanResult;
    expect(result.exitCode).toBe(3);
    expect(paced.sort()).toEqual([`${CALLER}/us-east-1`, `${MEMBER}/us-east-1`]);
    expect(clock.sleeps.filter((ms) => ms > 0).length).toBeGreaterThan(0);
    expect(data.violations.map((v) => [v.accountId, v.region, v.resourceType, v.arn, v.missing])).toEqual([
      [CALLER, "us-east-1", "dynamodb:table", `arn:aws:dynamodb:us-east-1:${CALLER}:table/orders`, ["ProjectCode", "CreatedBy"]],
      [MEMBER, "us-east-1", "dynamodb:table", `arn:aws:dynamodb:us-east-1:${MEMBER}:table/orders`, ["ProjectCode", "CreatedBy"]],
    ]);
  });
});

describe("the scheduled event carries --resource-types", () => {
  it("runScheduledEvent scans the event's types with the inlined rules (value rules included)", async () => {
    const { runScheduledEvent } = await import("../../../src/lib/tags/scheduled-run.js");
    const asked: string[][] = [];
    const tagging: TaggingApi = {
      async *getResources(types) {
        asked.push(types);
        yield [{ arn: "arn:aws:lambda:us-east-1:111111111111:function:thumbs", tags: { ProjectCode: "P1", Environment: "prod" } }];
      },
      tagResources: async () => [],
      untagResources: async () => [],
    };
    const rules = [
      { RuleId: 1, TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "P7" },
      { RuleId: 2, TagKey: "Environment", Action: "Update", Required: "N", Default: "Production", AllowedValues: ["Production"], Normalize: { prod: "Production" } },
    ];
    const logs: string[] = [];
    const out = (await runScheduledEvent(
      { command: "scan", policy: "rules.yaml", rules, resourceTypes: ["lambda:function"] },
      { env: { AWS_REGION: "us-east-1" }, stderr: { write: (c: string) => (logs.push(c), true) }, now: () => NOW, services: { tagging: async () => tagging } },
    )) as { violations: { arn: string; invalid: unknown[] }[] };
    expect(asked).toEqual([["lambda:function"]]);
    expect(out.violations).toEqual([expect.objectContaining({ arn: "arn:aws:lambda:us-east-1:111111111111:function:thumbs", resourceType: "lambda:function", invalid: [{ tagKey: "Environment", value: "prod", canonical: "Production" }] })]);
  });
});
