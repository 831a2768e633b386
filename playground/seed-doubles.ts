import { CodePipelineClient, AcknowledgeJobCommand, PollForJobsCommand, PutJobSuccessResultCommand } from "@aws-sdk/client-codepipeline";
import { CreateSubnetCommand, CreateVpcCommand, EC2Client, RunInstancesCommand, type Tag } from "@aws-sdk/client-ec2";
import { GetActivityTaskCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { TEST_ACTION, postPipeline } from "../doubles/codepipeline/post-pipeline.js";
import { motoClientConfig } from "../doubles/moto-server.js";
import type { Servers } from "./servers.js";

/** What the walkthroughs name that lives in EC2 + CloudTrail, CodePipeline and Step Functions. */
export interface DoublesWorld {
  vpcId: string;
  instances: Record<string, string>;
  stateMachineArn: string;
  activityArn: string;
  /** A task of a running execution, already handed out: `approve --token "$TASK_TOKEN"`. */
  taskToken: string;
  pipeline: string;
}

export async function seedDoubles(servers: Servers): Promise<DoublesWorld> {
  const [tags, approvals, pipeline] = await Promise.all([seedInstances(servers), seedApprovals(servers), seedPipeline(servers)]);
  return { ...tags, ...approvals, pipeline };
}

/**
 * Four instances in one VPC: compliant, missing tags, empty tags, untagged; CloudTrail knows
 * who launched all but the compliant one (alice, and a role session).
 */
async function seedInstances(servers: Servers) {
  const ec2 = new EC2Client(motoClientConfig(servers.moto.url));
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.10.0.0/16" }));
  const vpcId = vpc.Vpc!.VpcId!;
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.10.1.0/24" }));
  const run = async (tags: Record<string, string>) => {
    const TagSpecifications = Object.keys(tags).length ? [{ ResourceType: "instance" as const, Tags: Object.entries(tags).map(([Key, Value]): Tag => ({ Key, Value })) }] : undefined;
    const res = await ec2.send(new RunInstancesCommand({ ImageId: "ami-12345678", MinCount: 1, MaxCount: 1, SubnetId: subnet.Subnet!.SubnetId!, TagSpecifications }));
    return res.Instances![0]!.InstanceId!;
  };
  const instances = {
    compliant: await run({ Name: "api", ProjectCode: "P1", CreatedBy: "bob", Expires: "2030-01-01" }),
    missing: await run({ Name: "web", Team: "web" }),
    empty: await run({ Name: "batch", ProjectCode: "", CreatedBy: "carol" }),
    untagged: await run({}),
  };
  // CloudTrail records RunInstances as it happens: the lookup searches around each launch time.
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  servers.cloudTrail.setEvents([
    { instanceIds: [instances.missing, instances.untagged], eventTime: ago(0), userIdentity: { type: "IAMUser", userName: "alice", arn: "arn:aws:iam::123456789012:user/alice" }, username: "alice" },
    { instanceIds: [instances.empty], eventTime: ago(0), userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::123456789012:assumed-role/Admin/dana@example.com" }, username: "dana@example.com" },
  ]);
  return { vpcId, instances };
}

/** The post's PromotionApproval state machine on the ManualStep activity, one execution waiting. */
async function seedApprovals(servers: Servers) {
  const sfnDouble = servers.stepFunctions;
  const activityArn = sfnDouble.addActivity("ManualStep");
  const stateMachineArn = sfnDouble.addStateMachine("PromotionApproval", {
    Comment: "Employee promotion process!",
    StartAt: "ManualApproval",
    States: { ManualApproval: { Type: "Task", Resource: activityArn, TimeoutSeconds: 3600, End: true } },
  });
  const sfn = new SFNClient(motoClientConfig(sfnDouble.url));
  await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name: "promote-john", input: JSON.stringify({ employeeName: "John Doe", managerEmailAddress: "ana@example.com" }) }),
  );
  // Handed out here, as an activity worker would, so its token can be decided by hand.
  const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: "playground" }));
  sfn.destroy();
  return { activityArn, stateMachineArn, taskToken: task.taskToken! };
}

/**
 * The post's TimeService pipeline, one run waiting for approval at Prod/ApproveProd: ordinary
 * actions are stepped, the custom IntegrationTests jobs are done through the API as a worker would.
 */
async function seedPipeline(servers: Servers): Promise<string> {
  const double = servers.codePipeline;
  const spec = postPipeline("TimeService");
  double.addPipeline(spec);
  const executionId = double.start(spec.name);
  const client = new CodePipelineClient(motoClientConfig(double.url));
  for (let guard = 0; guard < 20 && double.execution(executionId).action !== "ApproveProd"; guard++) {
    double.runUntilBlocked(executionId);
    const { jobs } = await client.send(new PollForJobsCommand({ actionTypeId: { ...TEST_ACTION, category: "Test", owner: "Custom" }, maxBatchSize: 1 }));
    for (const job of jobs ?? []) {
      await client.send(new AcknowledgeJobCommand({ jobId: job.id!, nonce: job.nonce! }));
      await client.send(new PutJobSuccessResultCommand({ jobId: job.id!, executionDetails: { summary: "all 12 tests passed", percentComplete: 100 } }));
    }
  }
  client.destroy();
  if (double.execution(executionId).action !== "ApproveProd") throw new Error("the seeded TimeService run did not reach Prod/ApproveProd");
  return spec.name;
}
