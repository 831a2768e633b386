import {
  CreateSnapshotCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { beforeAll, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { snapshot } from "./world.js";

const POLICY = "test/fixtures/tags/grace.yaml";
const PROPAGATE = "test/fixtures/tags/propagate.yaml";
const REGION = "ca-central-1"; // a region of its own: other tag tests use us-east-1 and eu-west-1

interface Action { instanceId: string; action: string; tagKey?: string; value?: string; reason: string; result: string; from?: string; resourceType?: string }
const tagMap = (tags: Tag[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key!, t.Value ?? ""]));

describeWithMoto("tags enforce: grace periods, value rewrites and propagation on moto (pinned clock)", (moto) => {
  let ec2: EC2Client;
  const vpcWithSubnet = async (cidr: string) => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr.replace(/0\.0\/16$/, "1.0/24") }))).Subnet!.SubnetId!;
    return { vpc, subnet };
  };
  const run = async (subnet: string, tags: Record<string, string>) =>
    (await ec2.send(new RunInstancesCommand({ ImageId: "ami-12345678", MinCount: 1, MaxCount: 1, SubnetId: subnet, TagSpecifications: [{ ResourceType: "instance", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }] }))).Instances![0]!
      .InstanceId!;
  const cli = async (args: string[], now: Date) => {
    let made: Record<string, number> = {};
    const r = await awsblog([...args, "--region", REGION, "-o", "json"], { env: { AWS_ENDPOINT_URL: moto().url }, now: () => now, onCalls: (calls) => (made = Object.fromEntries(calls)) });
    return { ...r, calls: () => made, out: () => r.json<{ actions: Action[] }>() };
  };
  const tagsNow = async (id: string) => (await snapshot(ec2)).get(id)!;

  beforeAll(() => {
    ec2 = new EC2Client({ ...motoClientConfig(moto().url), region: REGION });
  });

  it("GraceDays: marks first, waits, acts on the due date; a fixed instance loses its mark; Normalize rewrites the value", async () => {
    const { vpc, subnet } = await vpcWithSubnet("10.60.0.0/16");
    const noOwner = await run(subnet, { ProjectCode: "P1", CreatedBy: "bob" });
    const fixed = await run(subnet, { ProjectCode: "P1", CreatedBy: "bob", Owner: "ana", "awsblog:marked": "stop@2026-12-01" });
    const prod = await run(subnet, { ProjectCode: "P1", CreatedBy: "bob", Owner: "ana", Environment: "PROD" });
    const enforce = (now: Date, ...extra: string[]) => cli(["tags", "enforce", "--policy", POLICY, "--vpc", vpc, ...extra], now);
    const day = (d: string) => new Date(`${d}T09:00:00Z`);

    // Dry run: what would be marked, unmarked and rewritten; nothing changes.
    const dry = await enforce(day("2026-12-06"), "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.out().actions.map((a) => [a.instanceId, a.action, a.value ?? null, a.reason, a.result])).toEqual([
      [noOwner, "mark", "stop@2026-12-13", "missing", "planned"],
      [fixed, "unmark", null, "fixed", "planned"],
      [prod, "tag", "Production", "invalid", "planned"],
    ]);
    expect((await tagsNow(noOwner)).tags).toEqual({ ProjectCode: "P1", CreatedBy: "bob" });

    const first = await enforce(day("2026-12-06"));
    expect(first.code, first.stderr).toBe(0);
    expect(first.out().actions.map((a) => [a.instanceId, a.action, a.result])).toEqual([
      [noOwner, "mark", "done"],
      [fixed, "unmark", "done"],
      [prod, "tag", "done"],
    ]);
    expect(await tagsNow(noOwner)).toEqual({ state: "running", tags: { ProjectCode: "P1", CreatedBy: "bob", "awsblog:marked": "stop@2026-12-13" } });
    expect((await tagsNow(fixed)).tags).not.toHaveProperty("awsblog:marked");
    expect((await tagsNow(prod)).tags.Environment).toBe("Production");
    expect(first.calls()["EC2.DeleteTags"]).toBe(1);
    expect(first.calls()["EC2.CreateTags"]).toBe(2); // the mark, the rewrite

    // Within the grace period: reported as marked, nothing sent.
    const waiting = await enforce(day("2026-12-12"));
    expect(waiting.out().actions).toEqual([{ instanceId: noOwner, action: "mark", tagKey: "awsblog:marked", value: "stop@2026-12-13", reason: "missing", result: "marked" }]);
    expect(waiting.calls()["EC2.CreateTags"] ?? 0).toBe(0);
    expect(waiting.calls()["EC2.StopInstances"] ?? 0).toBe(0);

    // On the due date: the dry run shows the stop, the run does it.
    const dueDry = await enforce(day("2026-12-13"), "--dry-run");
    expect(dueDry.out().actions).toEqual([{ instanceId: noOwner, action: "stop", reason: "missing", result: "planned" }]);
    expect((await tagsNow(noOwner)).state).toBe("running");
    const due = await enforce(day("2026-12-13"));
    expect(due.out().actions).toEqual([{ instanceId: noOwner, action: "stop", reason: "missing", result: "done" }]);
    expect((await tagsNow(noOwner)).state).toMatch(/stopping|stopped/);
    const text = await awsblog(["tags", "enforce", "--policy", POLICY, "--vpc", vpc, "--region", REGION, "--dry-run"], { env: { AWS_ENDPOINT_URL: moto().url }, now: () => day("2026-12-14") });
    // The day after: stopped already, the mark stays; nothing left to do.
    expect(text.stdout.trim()).toBe("scanned 3 instance(s), 0 action(s): dry run: nothing was changed");
  });

  it("--propagate copies the policy tags to attached volumes, network interfaces and their snapshots, grouped; existing values kept unless --propagate-overwrite", async () => {
    const { vpc, subnet } = await vpcWithSubnet("10.70.0.0/16");
    const id = await run(subnet, { ProjectCode: "P5", CreatedBy: "carol", Owner: "ana", Team: "web" });
    const volume = (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [id] }] }))).Volumes![0]!.VolumeId!;
    const eni = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [id] }] }))).NetworkInterfaces![0]!.NetworkInterfaceId!;
    const snap = (await ec2.send(new CreateSnapshotCommand({ VolumeId: volume }))).SnapshotId!;
    await ec2.send(new CreateTagsCommand({ Resources: [volume], Tags: [{ Key: "ProjectCode", Value: "legacy" }] }));

    // Rules with Propagate: Y (ProjectCode, CreatedBy) propagate without the flag.
    const runOnce = await cli(["tags", "enforce", "--policy", PROPAGATE, "--vpc", vpc], new Date("2026-12-06T09:00:00Z"));
    expect(runOnce.code, runOnce.stderr).toBe(0);
    const propagated = runOnce.out().actions.filter((a) => a.reason === "propagated");
    expect(propagated.map((a) => [a.instanceId, a.resourceType, a.tagKey, a.value, a.from, a.result]).sort()).toEqual(
      [
        [volume, "ec2:volume", "CreatedBy", "carol", id, "done"],
        [eni, "ec2:network-interface", "ProjectCode", "P5", id, "done"],
        [eni, "ec2:network-interface", "CreatedBy", "carol", id, "done"],
        [snap, "ec2:snapshot", "ProjectCode", "P5", id, "done"],
        [snap, "ec2:snapshot", "CreatedBy", "carol", id, "done"],
      ].sort(),
    );
    expect(runOnce.calls()["EC2.CreateTags"]).toBe(2); // (ProjectCode, P5) and (CreatedBy, carol)
    const volTags = tagMap((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volume] }))).Volumes![0]!.Tags);
    expect(volTags).toEqual({ ProjectCode: "legacy", CreatedBy: "carol" });
    const snapTags = tagMap((await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snap] }))).Snapshots![0]!.Tags);
    expect(snapTags).toEqual({ ProjectCode: "P5", CreatedBy: "carol" });

    // --propagate: every rule's key (Owner too); --propagate-overwrite replaces "legacy".
    const all = await cli(["tags", "enforce", "--policy", PROPAGATE, "--vpc", vpc, "--propagate", "--propagate-overwrite"], new Date("2026-12-06T09:00:00Z"));
    expect(all.code, all.stderr).toBe(0);
    expect(all.out().actions.map((a) => [a.instanceId, a.tagKey, a.value]).sort()).toEqual(
      [
        [volume, "ProjectCode", "P5"],
        [volume, "Owner", "ana"],
        [eni, "Owner", "ana"],
        [snap, "Owner", "ana"],
      ].sort(),
    );
    expect(all.calls()["EC2.CreateTags"]).toBe(2);
    expect(tagMap((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volume] }))).Volumes![0]!.Tags)).toEqual({ ProjectCode: "P5", CreatedBy: "carol", Owner: "ana" });
    // Team is no rule's key: never copied.
    expect(tagMap((await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] }))).NetworkInterfaces![0]!.TagSet)).not.toHaveProperty("Team");

    const bad = await cli(["tags", "enforce", "--policy", PROPAGATE, "--propagate", "--resource-types", "s3"], new Date());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^awsblog: propagation copies instance tags .* — add ec2:instance to --resource-types/);
  });
});
