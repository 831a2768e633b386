import { describe, expect, it } from "vitest";
import type { CloudTrailApi } from "../../../src/lib/aws/cloudtrail.js";
import type { Ec2Api, Ec2Instance } from "../../../src/lib/aws/ec2.js";
import type { CallerStsApi } from "../../../src/lib/aws/sts-caller.js";
import { AwsError } from "../../../src/lib/errors.js";
import type { Services, TargetSettings } from "../../../src/lib/services.js";
import type { OrgScanResult } from "../../../src/lib/tags/org-run.js";
import { scan } from "../../../src/lib/tags/scan.js";
import { testContext } from "../../helpers/context.js";
import { fakeClock } from "./fake-clock.js";

/**
 * An org run takes everything from the caller's ctx: each target's AWS APIs come from
 * `ctx.services.forTarget` (here: fakes chosen by account and region), its request buckets
 * run on the run's clock (here: a pinned fake clock whose sleep advances it), and progress
 * goes through the output layer. No real client, no real timer.
 */
const CALLER = "111111111111";
const MEMBER = "222222222222";
const DENIED = "333333333333";
const NOW = new Date("2026-11-25T12:00:00Z");
const noTrail: CloudTrailApi = { lookupRunInstances: async () => ({ events: [] }) };

function world() {
  const clock = fakeClock(1_000);
  const asked: { accountId: string; region: string; assumed: boolean }[] = [];
  const disposed: string[] = [];
  const assumed: string[] = [];
  const sts: CallerStsApi = {
    callerIdentity: async () => ({ account: CALLER, arn: `arn:aws:iam::${CALLER}:user/ops` }),
    region: async () => "us-east-1",
    async assumeRole(roleArn) {
      assumed.push(roleArn);
      if (roleArn.includes(DENIED)) throw new AwsError("STS", "AssumeRole", "AccessDenied", "not authorized to perform: sts:AssumeRole");
      return { accessKeyId: "AKIDMEMBER", secretAccessKey: "s", sessionToken: "t", expiration: new Date(NOW.getTime() + 3_600_000) };
    },
  };
  /** One untagged-key instance per target, named after it; signing asks the target's credentials. */
  const forTarget = (target: TargetSettings): Services => {
    asked.push({ accountId: target.accountId, region: target.region, assumed: target.credentials !== undefined });
    const ec2: Ec2Api = {
      async *describeInstances() {
        await target.credentials?.();
        // 101 requests against the target's EC2 Describe bucket (burst 100, 20/s): the last
        // one waits 50 ms on the run's clock, which the fake sleep advances at once.
        const bucket = target.limiter?.("EC2.DescribeInstances");
        for (let i = 0; i < 101; i++) await bucket?.take();
        const instance: Ec2Instance = { instanceId: `i-${target.accountId}-${target.region}`, vpcId: "vpc-1", state: "running", tags: { Name: "web" }, launchTime: NOW };
        yield [instance];
      },
      createTags: async () => {},
      stopInstances: async () => {},
      terminateInstances: async () => {},
    };
    const dispose = () => void disposed.push(`${target.accountId}/${target.region}`);
    return { ec2: async () => ec2, cloudtrail: async () => noTrail, sleep: clock.sleep, monotonicNow: clock.now, dispose } as unknown as Services;
  };
  const services: Partial<Services> = { callerSts: async () => sts, forTarget, sleep: clock.sleep, monotonicNow: clock.now };
  return { clock, asked, assumed, disposed, services };
}

describe("org run through ctx (fakes and a pinned clock)", () => {
  it("every target's APIs come from ctx.services.forTarget; the denied account fails, the others are scanned; exit 4", async () => {
    const w = world();
    const t = testContext({ now: () => NOW, services: w.services, format: "json" });
    const result = await scan({ policy: "test/fixtures/tags/rules.yaml", accounts: [CALLER, MEMBER, DENIED], regions: ["us-east-1", "eu-west-1"], concurrency: 2, assumeRole: "Auditor" }, t.ctx);
    const data = result.data as OrgScanResult;

    expect(result.exitCode).toBe(4);
    expect(w.asked.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region))).toEqual([
      { accountId: CALLER, region: "eu-west-1", assumed: false },
      { accountId: CALLER, region: "us-east-1", assumed: false },
      { accountId: MEMBER, region: "eu-west-1", assumed: true },
      { accountId: MEMBER, region: "us-east-1", assumed: true },
      { accountId: DENIED, region: "eu-west-1", assumed: true },
      { accountId: DENIED, region: "us-east-1", assumed: true },
    ]);
    // One AssumeRole per member account, shared by its regions; a denied one is tried again.
    expect(w.assumed.filter((arn) => arn.includes(MEMBER))).toEqual([`arn:aws:iam::${MEMBER}:role/Auditor`]);
    expect(data.targets.map((x) => [x.accountId, x.region, x.status, x.scanned])).toEqual([
      [CALLER, "eu-west-1", "ok", 1],
      [CALLER, "us-east-1", "ok", 1],
      [MEMBER, "eu-west-1", "ok", 1],
      [MEMBER, "us-east-1", "ok", 1],
      [DENIED, "eu-west-1", "failed", 0],
      [DENIED, "us-east-1", "failed", 0],
    ]);
    expect(data.targets.find((x) => x.status === "failed")?.error).toMatch(/AccessDenied/);
    expect(data.violations.map((v) => v.instanceId)).toEqual([`i-${CALLER}-eu-west-1`, `i-${CALLER}-us-east-1`, `i-${MEMBER}-eu-west-1`, `i-${MEMBER}-us-east-1`]);
    // Each target's clients are closed once it is done, the failed ones too: no socket per finished target.
    expect(w.disposed.sort()).toEqual([CALLER, MEMBER, DENIED].flatMap((a) => [`${a}/eu-west-1`, `${a}/us-east-1`]));
    // The buckets waited on the run's (fake) clock, not on real time: the 101st request of a
    // target waits up to 50 ms (less when the shared clock already moved on).
    const waits = w.clock.sleeps.filter((ms) => ms > 0);
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeCloseTo(50, 5);
    expect(w.clock.time).toBeGreaterThanOrEqual(1_050);
  });

  it("progress goes through the output layer: one summary line per target on stderr (not a terminal)", async () => {
    const w = world();
    const t = testContext({ now: () => NOW, services: w.services, format: "text" });
    await scan({ policy: "test/fixtures/tags/rules.yaml", accounts: [CALLER, DENIED], regions: ["us-east-1"], concurrency: 1, assumeRole: "Auditor" }, t.ctx);
    const lines = t.stderr().split("\n").filter(Boolean);
    expect(lines).toEqual([
      "2 target(s): 2 account(s) × 1 region(s), 1 at a time",
      `${CALLER}/us-east-1: scanned 1, 1 in violation`,
      expect.stringMatching(new RegExp(`^${DENIED}/us-east-1: FAILED: STS AssumeRole failed: AccessDenied`)),
    ]);
    expect(t.stdout()).toBe("");
  });
});
