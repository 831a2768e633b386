import { createServer, request, type Server } from "node:http";
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { motoClientConfig } from "../../helpers/moto.js";
import type { FakeRunInstances } from "../../../doubles/cloudtrail.js";

/**
 * EC2 in moto with every kind of violation, in two VPCs in scope and one out of scope, plus
 * the CloudTrail RunInstances events the double serves for them (ids match moto's).
 */
export interface World {
  ec2: EC2Client;
  vpcA: string;
  vpcB: string;
  vpcOut: string;
  ids: Record<InstanceName, string>;
  events: FakeRunInstances[];
}

export type InstanceName =
  | "compliant"
  | "missing"
  | "empty"
  | "untagged"
  | "protectedUntagged"
  | "asg"
  | "assumedRole"
  | "unknownCreator"
  | "stoppedUntagged"
  | "runningUntaggedB"
  | "outOfScope"
  | "terminated";

export const ALICE_ARN = "arn:aws:iam::123456789012:user/alice";
export const ROLE_ARN = "arn:aws:sts::123456789012:assumed-role/Admin/dana@example.com";

export async function buildWorld(motoUrl: string, now = new Date()): Promise<World> {
  const ec2 = new EC2Client(motoClientConfig(motoUrl));
  const [a, vpcA] = await vpcWithSubnet(ec2, "10.10.0.0/16");
  const [b, vpcB] = await vpcWithSubnet(ec2, "10.20.0.0/16");
  const [out, vpcOut] = await vpcWithSubnet(ec2, "10.30.0.0/16");
  const tags = (pairs: Record<string, string>): Tag[] => Object.entries(pairs).map(([Key, Value]) => ({ Key, Value }));
  const run = async (subnet: string, t: Record<string, string>, extra: { protect?: boolean } = {}) => {
    const res = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-12345678",
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet,
        TagSpecifications: Object.keys(t).length ? [{ ResourceType: "instance", Tags: tags(t) }] : undefined,
      }),
    );
    const id = res.Instances![0]!.InstanceId!;
    // moto ignores RunInstances' DisableApiTermination; the attribute call works.
    if (extra.protect) await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: true } }));
    return id;
  };
  const ids: Record<InstanceName, string> = {
    compliant: await run(a, { ProjectCode: "P1", CreatedBy: "bob", Expires: "2030-01-01" }),
    missing: await run(a, { Name: "web" }),
    empty: await run(a, { ProjectCode: "", CreatedBy: "carol", Expires: " " }),
    untagged: await run(a, {}),
    protectedUntagged: await run(a, {}, { protect: true }),
    asg: await run(a, { "aws:autoscaling:groupName": "web-asg" }),
    assumedRole: await run(b, { Team: "data" }),
    unknownCreator: await run(b, { Team: "ops" }),
    stoppedUntagged: await run(b, {}),
    runningUntaggedB: await run(b, {}),
    outOfScope: await run(out, { Name: "elsewhere" }),
    terminated: await run(a, {}),
  };
  await ec2.send(new StopInstancesCommand({ InstanceIds: [ids.stoppedUntagged] }));
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [ids.terminated] }));

  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  const events: FakeRunInstances[] = [
    { instanceIds: [ids.missing, ids.untagged], eventTime: minutesAgo(5), userIdentity: { type: "IAMUser", userName: "alice", arn: ALICE_ARN }, username: "alice" },
    { instanceIds: [ids.assumedRole], eventTime: minutesAgo(4.5), userIdentity: { type: "AssumedRole", arn: ROLE_ARN }, username: "dana@example.com" },
    { instanceIds: [ids.outOfScope], eventTime: minutesAgo(4.4), userIdentity: { type: "IAMUser", userName: "eve" }, username: "eve" },
  ];
  // 120 newer launches of other instances: the creators above sit on the third page.
  for (let n = 0; n < 120; n++) {
    events.push({ instanceIds: [`i-0noise${String(n).padStart(10, "0")}`], eventTime: minutesAgo(4 - n / 60), userIdentity: { type: "IAMUser", userName: "noise" } });
  }
  return { ec2, vpcA, vpcB, vpcOut, ids, events };
}

async function vpcWithSubnet(ec2: EC2Client, cidr: string): Promise<[subnetId: string, vpcId: string]> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }));
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: cidr.replace(/0\.0\/16$/, "1.0/24") }));
  return [subnet.Subnet!.SubnetId!, vpc.Vpc!.VpcId!];
}

/** State and tags of every instance as moto now has them. */
export async function snapshot(ec2: EC2Client): Promise<Map<string, { state: string; tags: Record<string, string> }>> {
  const res = await ec2.send(new DescribeInstancesCommand({}));
  const out = new Map<string, { state: string; tags: Record<string, string> }>();
  for (const i of (res.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
    out.set(i.InstanceId!, { state: i.State!.Name!, tags: Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value ?? ""])) });
  }
  return out;
}

// ── The organization world: org runs (`--org`) and the scheduled handler ──

/** moto's own account: the caller (management account) of an org run. */
export const CALLER = "123456789012";
export const REGIONS = ["us-east-1", "eu-west-1"];

export interface OrgWorld {
  members: string[];
  denied: string;
  /** EC2 in an account and region, as that account sees it (assumed-role credentials straight to moto). */
  ec2(account: string, region: string): Promise<EC2Client>;
}

/**
 * An organization in moto: the caller's account plus three members. Each account × region
 * gets `perTarget` instances: one compliant, the rest missing ProjectCode and CreatedBy.
 */
export async function buildOrgWorld(motoUrl: string, perTarget = 3): Promise<OrgWorld> {
  const org = new OrganizationsClient(motoClientConfig(motoUrl));
  await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const ids: string[] = [];
  for (const name of ["web", "data", "locked"]) {
    const out = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    ids.push(out.CreateAccountStatus!.AccountId!);
  }
  const sts = new STSClient(motoClientConfig(motoUrl));
  const clients = new Map<string, EC2Client>();
  const ec2 = async (account: string, region: string) => {
    const key = `${account}/${region}`;
    let client = clients.get(key);
    if (!client) {
      let credentials = motoClientConfig(motoUrl).credentials;
      if (account !== CALLER) {
        const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: "test-setup" }))).Credentials!;
        credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } as typeof credentials;
      }
      clients.set(key, (client = new EC2Client({ ...motoClientConfig(motoUrl), region, credentials })));
    }
    return client;
  };
  for (const account of [CALLER, ...ids]) {
    for (const region of REGIONS) {
      const client = await ec2(account, region);
      await client.send(new RunInstancesCommand({ ImageId: "ami-12345678", MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "ProjectCode", Value: "P1" }, { Key: "CreatedBy", Value: "bob" }] }] }));
      if (perTarget > 1) {
        await client.send(new RunInstancesCommand({ ImageId: "ami-12345678", MinCount: perTarget - 1, MaxCount: perTarget - 1, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: `${account}-${region}` }] }] }));
      }
    }
  }
  return { members: ids.slice(0, 2), denied: ids[2]!, ec2 };
}

/** Tags of every live instance in one account and region. */
export async function tagsIn(world: OrgWorld, account: string, region: string): Promise<Record<string, string>[]> {
  const res = await (await world.ec2(account, region)).send(new DescribeInstancesCommand({}));
  return (res.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name !== "terminated")
    .map((i) => Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value ?? ""])));
}

export interface StsProxy {
  url: string;
  /** RoleArns the CLI asked to assume, in order. */
  assumed: string[];
  stop(): Promise<void>;
}

/** STS in front of moto that answers AccessDenied (HTTP 403, STS's XML error) for one account's role. */
export async function startStsProxy(motoUrl: string, deniedAccount: string): Promise<StsProxy> {
  const target = new URL(motoUrl);
  const assumed: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString());
      const roleArn = params.get("RoleArn");
      if (params.get("Action") === "AssumeRole" && roleArn) assumed.push(roleArn);
      if (roleArn?.includes(`::${deniedAccount}:`)) {
        res.writeHead(403, { "content-type": "text/xml" });
        res.end(
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::${CALLER}:user/test is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>denied-1</RequestId></ErrorResponse>`,
        );
        return;
      }
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    assumed,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
