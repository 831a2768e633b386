// Builds the benchmark account in moto: N instances in one VPC with a fixed mix of
// violations, and one CloudTrail RunInstances event per instance (ids match moto's) for the
// LookupEvents double. Deterministic: the same N gives the same mix and the same creators.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { CreateSubnetCommand, CreateVpcCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";

export const USERS = 8;

/** Shares of the N instances; every kind of violation the rules can see. */
export const MIX = [
  { name: "compliant", share: 0.4, tags: { ProjectCode: "P1", CreatedBy: "bob", Expires: "2030-01-01" } },
  { name: "missing ProjectCode+CreatedBy", share: 0.3, tags: { Name: "web" } },
  { name: "empty ProjectCode+Expires, missing CreatedBy", share: 0.2, tags: { ProjectCode: "", Expires: "" } },
  { name: "untagged", share: 0.1, tags: {} },
];

export function clientConfig(url) {
  return { endpoint: url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
}

export async function buildWorld(motoUrl, n) {
  const ec2 = new EC2Client(clientConfig(motoUrl));
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc.VpcId;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.0.0.0/17" }))).Subnet.SubnetId;
  const ids = [];
  for (const kind of MIX) {
    let left = Math.round(n * kind.share);
    while (left > 0) {
      const count = Math.min(left, 250);
      const tags = Object.entries(kind.tags).map(([Key, Value]) => ({ Key, Value }));
      const res = await ec2.send(
        new RunInstancesCommand({
          ImageId: "ami-12345678",
          InstanceType: "t3.micro",
          MinCount: count,
          MaxCount: count,
          SubnetId: subnet,
          TagSpecifications: tags.length ? [{ ResourceType: "instance", Tags: tags }] : undefined,
        }),
      );
      ids.push(...res.Instances.map((i) => i.InstanceId));
      left -= count;
    }
  }
  // One RunInstances event per instance, newest last-launched first, within the 10 minutes
  // before setup (moto stamps every launch "now"; real events sit at the launch time).
  const now = Date.now();
  const events = ids.map((id, i) => ({
    instanceIds: [id],
    eventTime: new Date(now - 600_000 + Math.floor((i * 590_000) / ids.length)),
    userIdentity: { type: "IAMUser", userName: `user${i % USERS}` },
    username: `user${i % USERS}`,
  }));
  const topic = (await new SNSClient(clientConfig(motoUrl)).send(new CreateTopicCommand({ Name: "tag-reports" }))).TopicArn;
  return { vpc, ids, events, topic };
}

/** A moto_server of the bench's own on a free loopback port. */
export async function startMoto() {
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.env.AWSBLOG_MOTO_SERVER ?? "moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/moto-api/data.json`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, stop: () => new Promise((resolve) => { child.once("exit", resolve); child.kill("SIGTERM"); }) };
}

export function log(message) {
  process.stderr.write(`${message}\n`);
}
