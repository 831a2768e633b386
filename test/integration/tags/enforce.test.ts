import { CreateSubnetCommand, CreateVpcCommand, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { startCloudTrailDouble, type CloudTrailDouble } from "../../../doubles/cloudtrail.js";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { buildWorld, ROLE_ARN, snapshot, type World } from "./world.js";

const RULES = "test/fixtures/tags/rules.yaml";

interface Action { instanceId: string; action: string; tagKey?: string; value?: string; reason: string; result: string; error?: string }
interface EnforceJson { scanned: number; actions: Action[]; notified: boolean; untagged: { instanceId: string }[]; creatorLookup: { pages: number; found: number } }

describeWithMoto("tags enforce against moto and the CloudTrail double", (moto) => {
  let world: World;
  let trail: CloudTrailDouble;
  // One pinned "now" for the CLI, the CloudTrail events and the expectations: today() never straddles UTC midnight.
  const NOW = new Date();
  const in30Days = new Date(NOW.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);

  const cli = async (args: string[]) => {
    let made: Record<string, number> = {};
    const run = await awsblog(args, {
      env: { AWS_ENDPOINT_URL: moto().url, AWS_ENDPOINT_URL_CLOUDTRAIL: trail.url },
      now: () => NOW,
      onCalls: (calls) => (made = Object.fromEntries(calls)),
    });
    return { ...run, calls: () => made };
  };
  const scope = () => ["--policy", RULES, "--vpc", world.vpcA, "--vpc", world.vpcB];

  beforeAll(async () => {
    world = await buildWorld(moto().url, NOW);
  });
  // A fresh double per test: runs now follow each other within milliseconds (in-process), and
  // each run's 2/s pacing is what is under test, not the window a previous run left behind.
  beforeEach(async () => {
    trail = await startCloudTrailDouble({ events: world.events, toleranceMs: 100 }); // event-loop stalls of a busy machine
  });
  afterEach(async () => trail?.stop());

  it("--dry-run prints the plan with looked-up creators and changes nothing", async () => {
    const before = await snapshot(world.ec2);
    const run = await cli(["tags", "enforce", ...scope(), "--untagged", "terminate", "--dry-run", "-o", "json"]);
    const out = run.json<EnforceJson>();
    expect(run.code, run.stderr).toBe(4); // the Auto Scaling member can never be terminated
    expect(out.actions.filter((a) => a.result === "planned").length).toBeGreaterThan(0);
    expect(out.actions).toContainEqual(expect.objectContaining({ instanceId: world.ids.missing, tagKey: "CreatedBy", value: "alice", result: "planned" }));
    expect(out.notified).toBe(false);
    expect(await snapshot(world.ec2)).toEqual(before);
    const calls = run.calls();
    expect(calls["EC2.CreateTags"] ?? 0).toBe(0);
    expect(calls["EC2.TerminateInstances"] ?? 0).toBe(0);
  });

  it("--vpc B --untagged stop fixes B only and stops its running untagged instance", async () => {
    const run = await cli(["tags", "enforce", "--policy", RULES, "--vpc", world.vpcB, "--untagged", "stop", "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const state = await snapshot(world.ec2);
    expect(state.get(world.ids.runningUntaggedB)!.state).toMatch(/stopping|stopped/);
    expect(state.get(world.ids.assumedRole)!.tags).toMatchObject({ ProjectCode: "Proj007", CreatedBy: ROLE_ARN });
    expect(state.get(world.ids.unknownCreator)!.tags).toMatchObject({ CreatedBy: "Undefined" });
    // Scope: VPC A and the out-of-scope VPC are untouched.
    expect(state.get(world.ids.missing)!.tags).toEqual({ Name: "web" });
    expect(state.get(world.ids.untagged)!.state).toBe("running");
    expect(state.get(world.ids.outOfScope)!.tags).toEqual({ Name: "elsewhere" });
  });

  it("enforces VPCs A and B: batched tags, terminates untagged, reports protected and Auto Scaling instances, notifies SNS", async () => {
    const sns = new SNSClient(motoClientConfig(moto().url));
    const sqs = new SQSClient(motoClientConfig(moto().url));
    const topic = (await sns.send(new CreateTopicCommand({ Name: "tag-reports" }))).TopicArn!;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "tag-reports-inbox" }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "sqs", Endpoint: queueArn }));
    const requestsBefore = trail.requests.length;

    const run = await cli(["tags", "enforce", ...scope(), "--untagged", "terminate", "--notify", topic, "-o", "json"]);
    const out = run.json<EnforceJson>();
    expect(run.code, run.stderr).toBe(4);
    expect(out.scanned).toBe(10);
    const state = await snapshot(world.ec2);
    expect(state.get(world.ids.missing)!.tags).toEqual({ Name: "web", ProjectCode: "Proj007", CreatedBy: "alice" });
    expect(state.get(world.ids.empty)!.tags).toEqual({ ProjectCode: "Proj007", CreatedBy: "carol", Expires: in30Days });
    expect(state.get(world.ids.compliant)!.tags).toEqual({ ProjectCode: "P1", CreatedBy: "bob", Expires: "2030-01-01" });
    expect(state.get(world.ids.untagged)!.state).toBe("terminated");
    expect(state.get(world.ids.stoppedUntagged)!.state).toBe("terminated");
    expect(state.get(world.ids.runningUntaggedB)!.state).toBe("terminated");
    expect(state.get(world.ids.protectedUntagged)!.state).toBe("running");
    expect(state.get(world.ids.asg)!.state).toBe("running");
    expect(state.get(world.ids.outOfScope)).toEqual({ state: "running", tags: { Name: "elsewhere" } });

    const failed = out.actions.filter((a) => a.result === "failed");
    expect(failed.map((a) => a.instanceId).sort()).toEqual([world.ids.asg, world.ids.protectedUntagged].sort());
    expect(failed.find((a) => a.instanceId === world.ids.protectedUntagged)!.error).toMatch(/termination protection.*OperationNotPermitted/);
    expect(failed.find((a) => a.instanceId === world.ids.asg)!.error).toMatch(/Auto Scaling group "web-asg"/);

    // One CreateTags per distinct (key, value): ProjectCode=Proj007, CreatedBy=alice, Expires=<date>.
    const calls = run.calls();
    expect(calls["EC2.CreateTags"]).toBe(3);
    // One sweep: the creator of the missing instance sits on page 3 of 50-event pages, read at ≤ 2/s.
    expect(trail.requests.length - requestsBefore).toBe(3);
    expect(calls["CloudTrail.LookupEvents"]).toBe(3);
    expect(trail.throttled).toBe(0);
    const arrivals = trail.requests.slice(requestsBefore).map((r) => r.at);
    // Paced 550 ms apart; an unpaced sweep would arrive a few ms apart.
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(400);

    const msgs = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(out.notified).toBe(true);
    expect(msgs.Messages).toHaveLength(1);
    const envelope = JSON.parse(msgs.Messages![0]!.Body!) as { Subject: string; Message: string };
    expect(envelope.Subject).toBe("Tagging Policy Report");
    expect(envelope.Message).toContain(`-- Instance ${world.ids.missing} missing tag CreatedBy: set to "alice" — done`);
    expect(envelope.Message).toContain(`-- Instance ${world.ids.untagged} has no tags: terminate — done`);
    expect(envelope.Message).toMatch(new RegExp(`-- Instance ${world.ids.protectedUntagged} has no tags: terminate — FAILED`));
  });

  it("a second run finds nothing left to tag and exits 0 with --untagged report", async () => {
    const run = await cli(["tags", "enforce", ...scope(), "-o", "json"]);
    const out = run.json<EnforceJson>();
    expect(run.code, run.stderr).toBe(0);
    expect(out.actions).toEqual([]);
    expect(out.untagged.map((u) => u.instanceId).sort()).toEqual([world.ids.asg, world.ids.protectedUntagged].sort());
    expect(run.calls()["EC2.CreateTags"] ?? 0).toBe(0);
    expect(run.calls()["CloudTrail.LookupEvents"] ?? 0).toBe(0);
    const scan = await cli(["tag-audit", ...scope(), "-o", "json"]);
    expect(scan.code).toBe(3); // the two untagged instances remain violations
  });

  it("CloudTrail failing: CreatedBy is left unset (deferred), not written as Undefined; the next run fills it in", async () => {
    const vpc = (await world.ec2.send(new CreateVpcCommand({ CidrBlock: "10.40.0.0/16" }))).Vpc!.VpcId!;
    const subnet = (await world.ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.40.1.0/24" }))).Subnet!.SubnetId!;
    const launched = await world.ec2.send(
      new RunInstancesCommand({ ImageId: "ami-12345678", MinCount: 1, MaxCount: 1, SubnetId: subnet, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "late" }] }] }),
    );
    const id = launched.Instances![0]!.InstanceId!;
    const enforceVpc = (trailUrl: string) =>
      awsblog(["tags", "enforce", "--policy", RULES, "--vpc", vpc, "-o", "json"], {
        env: { AWS_ENDPOINT_URL: moto().url, AWS_ENDPOINT_URL_CLOUDTRAIL: trailUrl, AWS_MAX_ATTEMPTS: "2" },
        now: () => NOW,
      });

    // Every LookupEvents answered ThrottlingException: CloudTrail cannot tell now.
    const failing = await startCloudTrailDouble({ events: world.events, ratePerSecond: 0 });
    try {
      const first = await enforceVpc(failing.url);
      expect(first.code, first.stderr).toBe(0);
      const out = first.json<EnforceJson & { deferred: number }>();
      expect(out.deferred).toBe(1);
      expect(out.actions).toContainEqual({ instanceId: id, action: "tag", tagKey: "CreatedBy", reason: "missing", result: "deferred" });
      expect(first.stderr).toMatch(/warning: CloudTrail lookup failed, leaving the creator unset for 1 instance\(s\) until the next run/);
      expect(failing.throttled).toBeGreaterThan(0);
    } finally {
      await failing.stop();
    }
    const afterFirst = (await snapshot(world.ec2)).get(id)!.tags;
    expect(afterFirst.ProjectCode).toBe("Proj007"); // the other rules were applied
    expect(afterFirst).not.toHaveProperty("CreatedBy");

    trail.setEvents([...world.events, { instanceIds: [id], eventTime: new Date(NOW.getTime() - 60_000), userIdentity: { type: "IAMUser", userName: "frank" }, username: "frank" }]);
    const second = await enforceVpc(trail.url);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json<{ deferred: number }>().deferred).toBe(0);
    expect((await snapshot(world.ec2)).get(id)!.tags.CreatedBy).toBe("frank");
  });
});
