import { describe, expect, it } from "vitest";
import type { CloudTrailApi } from "../../../src/lib/aws/cloudtrail.js";
import type { Ec2Api, Ec2Instance } from "../../../src/lib/aws/ec2.js";
import type { SnsApi } from "../../../src/lib/aws/sns.js";
import { AwsError, FailureError } from "../../../src/lib/errors.js";
import type { Services } from "../../../src/lib/services.js";
import { awsblog, interrupts, type InProcessOptions } from "../../helpers/in-process.js";

const NOW = new Date("2026-11-25T12:00:00Z");

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

interface Action {
  instanceId: string;
  action: string;
  result: string;
  tagKey?: string;
  value?: string;
  error?: string;
}
/** What `tags enforce -o json` prints (fields these tests read). */
interface EnforceJson {
  actions: Action[];
  creatorLookup: { pages: number; events: number; wanted: number; found: number; error?: string };
  deferred: number;
  notified?: boolean;
  notifyError?: string;
}

/** `awsblog tags enforce --policy rules.yaml <flags>` in-process with fakes, a pinned clock, instant waits. */
async function run(flags: string[], services: Partial<Services>, options: InProcessOptions = {}) {
  const args = ["tags", "enforce", "--policy", "test/fixtures/tags/rules.yaml", ...flags];
  const json = await awsblog([...args, "-o", "json"], { now: () => NOW, ...options, services: { cloudtrail: async () => noTrail, sleep: async () => {}, ...services } });
  return { code: json.code, stderr: json.stderr, data: json.code === 2 ? (undefined as never) : json.json<EnforceJson>() };
}

describe("enforce (with fakes)", () => {
  it("tags, terminates in batches, isolates the protected instance, and exits 4", async () => {
    const ec2 = fakeEc2([inst("i-1", { Name: "a" }), inst("i-2", { Name: "b" }), inst("i-3", {}), inst("i-4", {}), inst("i-5", {}, "stopped")], ["i-4"]);
    const res = await run(["--untagged", "terminate"], { ec2: async () => ec2.api });
    expect(res.code).toBe(4);
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
    const flags = ["--untagged", "terminate", "--dry-run", "--notify", "arn:aws:sns:us-east-1:123456789012:t"];
    const services = { ec2: async () => ec2.api, sns: async () => sns };
    const res = await run(flags, services);
    const text = await awsblog(["tags", "enforce", "--policy", "test/fixtures/tags/rules.yaml", ...flags], { now: () => NOW, services: { ...services, cloudtrail: async () => noTrail } });
    expect(ec2.log).toEqual([]);
    expect(published).toBe(0);
    expect(res.code).toBe(0);
    expect(res.data.actions.every((a) => a.result === "planned")).toBe(true);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/dry run: nothing was changed/);
  });

  it("a failed SNS publish keeps the results, warns, and exits 4", async () => {
    const ec2 = fakeEc2([inst("i-1", { Name: "a" })]);
    const sns: SnsApi = { publish: async () => { throw new AwsError("SNS", "Publish", "NotFound", "Topic does not exist"); } };
    const res = await run(["--notify", "arn:aws:sns:us-east-1:123456789012:gone"], { ec2: async () => ec2.api, sns: async () => sns });
    expect(res.code).toBe(4);
    expect(res.data).toMatchObject({ notified: false, notifyError: expect.stringMatching(/SNS Publish failed: NotFound/) });
    expect(res.data.actions.every((a) => a.result === "done")).toBe(true);
    expect(res.stderr).toMatch(/SNS summary was not published/);
  });

  it("rejects bad flags before any AWS call", async () => {
    const ec2 = fakeEc2([]);
    const services = { ec2: async () => ec2.api };
    const res = await run(["--notify", "arn:aws:sns:us-east-1:123456789012:t.fifo"], services);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^awsblog: .*not a standard SNS topic ARN/);
    expect(ec2.log).toEqual([]);
  });

  it("after Ctrl-C no new batch starts and unstarted actions stay planned", async () => {
    const keys = interrupts();
    const ec2 = fakeEc2([inst("i-1", { Name: "a" })]);
    const original = ec2.api.createTags;
    ec2.api.createTags = async (...args) => {
      await original(...args);
      keys.interrupt();
    };
    const res = await run([], { ec2: async () => ec2.api }, { interrupts: keys });
    expect(res.code).toBe(130);
    expect(ec2.log).toHaveLength(1);
    expect(res.data.actions.map((a) => a.result)).toEqual(["done", "planned"]);
  });

  for (const [label, failure] of [
    ["denied", new AwsError("CloudTrail", "LookupEvents", "AccessDeniedException", "User is not authorized to perform: cloudtrail:LookupEvents", "check the IAM permissions")],
    ["unreachable", new FailureError("CloudTrail LookupEvents: could not reach the AWS endpoint (ECONNREFUSED)", "check your network")],
  ] as const) {
    it(`CloudTrail ${label}: the creator is left unset (deferred) with a warning, even with --dry-run, and the other fixes go on`, async () => {
      for (const dryRun of [true, false]) {
        const ec2 = fakeEc2([inst("i-1", { Name: "a" })]);
        const trail: CloudTrailApi = { lookupRunInstances: async () => { throw failure; } };
        const res = await run(dryRun ? ["--dry-run"] : [], { ec2: async () => ec2.api, cloudtrail: async () => trail });
        expect(res.code).toBe(0);
        const createdBy = res.data.actions.filter((a) => a.tagKey === "CreatedBy");
        expect(createdBy).toEqual([{ instanceId: "i-1", action: "tag", tagKey: "CreatedBy", reason: "missing", result: "deferred" }]);
        expect(res.data.deferred).toBe(1);
        expect(ec2.log.some((line) => line.includes("CreatedBy"))).toBe(false);
        if (!dryRun) expect(ec2.log.length).toBeGreaterThan(0); // the other rules' tags were written
        expect(res.data.creatorLookup.error).toBe(failure.message);
        expect(res.stderr).toMatch(/warning: CloudTrail lookup failed, leaving the creator unset for 1 instance\(s\) until the next run/);
        const text = await awsblog(["tags", "enforce", "--policy", "test/fixtures/tags/rules.yaml", ...(dryRun ? ["--dry-run"] : [])], {
          now: () => NOW,
          services: { ec2: async () => fakeEc2([inst("i-1", { Name: "a" })]).api, cloudtrail: async () => trail, sleep: async () => {} },
        });
        expect(text.stdout).toMatch(/1 deferred to the next run/);
      }
    });
  }

  it("--no-creator-lookup never calls CloudTrail and writes Undefined", async () => {
    const ec2 = fakeEc2([inst("i-1", { Name: "a" })]);
    let built = 0;
    const res = await run(["--no-creator-lookup"], { ec2: async () => ec2.api, cloudtrail: async () => { built++; return noTrail; } });
    expect(built).toBe(0);
    expect(res.data.actions).toContainEqual(expect.objectContaining({ tagKey: "CreatedBy", value: "Undefined", result: "done" }));
    expect(res.data.creatorLookup).toMatchObject({ wanted: 1, pages: 0, error: "skipped (--no-creator-lookup)" });
  });
});
