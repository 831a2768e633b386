import { createServer, request, type Server } from "node:http";
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { motoClientConfig } from "../../helpers/moto.js";

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
