import { describe, expect, it } from "vitest";
import { enforce } from "../../../src/commands/tags/enforce.js";
import type { CloudTrailApi } from "../../../src/lib/aws/cloudtrail.js";
import type { Ec2Api, Ec2Instance } from "../../../src/lib/aws/ec2.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import type { SnsApi } from "../../../src/lib/aws/sns.js";
import type { Context } from "../../../src/lib/context.js";
import { AwsError } from "../../../src/lib/errors.js";
import { createOutput } from "../../../src/lib/output.js";
import { fakeClock } from "./fake-clock.js";

const NOW = new Date("2026-11-25T12:00:00Z");
const RULES = "test/fixtures/tags/rules.yaml";

function context(signal = new AbortController().signal): Context & { stderr: string[] } {
  const stderr: string[] = [];
  const globals = { output: "json" as const, color: false, quiet: false, debug: false };
  return {
    stderr,
    globals,
    out: createOutput({ ...globals, format: "json", stdout: { write: () => true }, stderr: { write: (s: string) => stderr.push(s) } }),
    aws: createAwsClientFactory({ region: "us-east-1", userAgent: { name: "awsblog", version: "test" } }),
    signal,
    env: {},
    stdin: process.stdin,
    now: () => NOW,
  };
}

/** EC2 fake: instances in memory; termination-protected ids reject any batch that holds them. */
function fakeEc2(instances: Ec2Instance[], protectedIds: string[] = []) {
  const log: string[] = [];
  const api: Ec2Api = {
    async *describeInstances() {
      yield instances;
    },
    async createTags(ids, key, value) {
      log.push(`CreateTags ${key}=${value} ${ids.join(",")}`);
      for (const i of instances) if (ids.includes(i.instanceId)) i.tags[key] = value;
    },
    async stopInstances(ids) {
      log.push(`Stop ${ids.join(",")}`);
    },
    async terminateInstances(ids) {
      log.push(`Terminate ${ids.join(",")}`);
      const bad = ids.find((id) => protectedIds.includes(id));
      if (bad) throw new AwsError("EC2", "TerminateInstances", "OperationNotPermitted", `The instance '${bad}' may not be terminated.`);
      for (const i of instances) if (ids.includes(i.instanceId)) i.state = "terminated";
    },
  };
  return { api, log };
}

const inst = (id: string, tags: Record<string, string>, state = "running"): Ec2Instance => ({ instanceId: id, vpcId: "vpc-1", state, tags, launchTime: NOW });
const noTrail: CloudTrailApi = { lookupRunInstances: async () => ({ events: [] }) };

describe("enforce (with fakes)", () => {
  it("tags, terminates in batches, isolates the protected instance, and exits 4", async () => {
    const ec2 = fakeEc2([inst("i-1", { Name: "a" }), inst("i-2", { Name: "b" }), inst("i-3", {}), inst("i-4", {}), inst("i-5", {}, "stopped")], ["i-4"]);
    const res = await enforce({ policy: RULES, untagged: "terminate" }, context(), { ec2: ec2.api, cloudtrail: noTrail, clock: fakeClock() });
    expect(res.exitCode).toBe(4);
    expect(ec2.log).toEqual([
      "CreateTags ProjectCode=Proj007 i-1,i-2",
      "CreateTags CreatedBy=Undefined i-1,i-2",
      "Terminate i-3,i-4,i-5",
      "Terminate i-3,i-4",
      "Terminate i-3",
      "Terminate i-4",
      "Terminate i-5",
    ]);
    const byId = (id: string) => res.data.actions.filter((a) => a.instanceId === id);
    expect(byId("i-4")).toEqual([expect.objectContaining({ action: "terminate", result: "failed", error: expect.stringMatching(/termination protection/) })]);
    expect(byId("i-3")[0]!.result).toBe("done");
    expect(res.data.creatorLookup).toEqual({ pages: 1, events: 0, wanted: 2, found: 0 });
  });

  it("--dry-run makes no EC2 change and publishes nothing", async () => {
    const ec2 = fakeEc2([inst("i-1", { Name: "a" }), inst("i-3", {})]);
    let published = 0;
    const sns: SnsApi = { publish: async () => { published++; return "m"; } };
    const res = await enforce({ policy: RULES, untagged: "terminate", dryRun: true, notify: "arn:aws:sns:us-east-1:123456789012:t" }, context(), { ec2: ec2.api, cloudtrail: noTrail, sns, clock: fakeClock() });
    expect(ec2.log).toEqual([]);
    expect(published).toBe(0);
    expect(res.exitCode).toBe(0);
    expect(res.data.actions.every((a) => a.result === "planned")).toBe(true);
    expect(res.text).toMatch(/dry run: nothing was changed/);
  });

  it("a failed SNS publish keeps the results, warns, and exits 4", async () => {
    const ec2 = fakeEc2([inst("i-1", { Name: "a" })]);
    const sns: SnsApi = { publish: async () => { throw new AwsError("SNS", "Publish", "NotFound", "Topic does not exist"); } };
    const ctx = context();
    const res = await enforce({ policy: RULES, notify: "arn:aws:sns:us-east-1:123456789012:gone" }, ctx, { ec2: ec2.api, cloudtrail: noTrail, sns, clock: fakeClock() });
    expect(res.exitCode).toBe(4);
    expect(res.data).toMatchObject({ notified: false, notifyError: expect.stringMatching(/SNS Publish failed: NotFound/) });
    expect(res.data.actions.every((a) => a.result === "done")).toBe(true);
    expect(ctx.stderr.join("")).toMatch(/SNS summary was not published/);
  });

  it("rejects bad flags before any AWS call", async () => {
    const ec2 = fakeEc2([]);
    const deps = { ec2: ec2.api, cloudtrail: noTrail, clock: fakeClock() };
    await expect(enforce({ policy: RULES, untagged: "delete" }, context(), deps)).rejects.toThrow(/--untagged must be report, stop or terminate/);
    await expect(enforce({ policy: RULES, lookbackDays: 91 }, context(), deps)).rejects.toThrow(/--lookback-days must be 1 to 90/);
    await expect(enforce({ policy: RULES, notify: "arn:aws:sns:us-east-1:123456789012:t.fifo" }, context(), deps)).rejects.toThrow(/not a standard SNS topic ARN/);
  });

  it("after Ctrl-C no new batch starts and unstarted actions stay planned", async () => {
    const controller = new AbortController();
    const ec2 = fakeEc2([inst("i-1", { Name: "a" })]);
    const original = ec2.api.createTags;
    ec2.api.createTags = async (...args) => {
      await original(...args);
      controller.abort();
    };
    const res = await enforce({ policy: RULES }, context(controller.signal), { ec2: ec2.api, cloudtrail: noTrail, clock: fakeClock() });
    expect(ec2.log).toHaveLength(1);
    expect(res.data.actions.map((a) => a.result)).toEqual(["done", "planned"]);
  });
});
