import { CreateTableCommand, DynamoDBClient, ListTagsOfResourceCommand } from "@aws-sdk/client-dynamodb";
import { CreateSubnetCommand, CreateVpcCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateFunctionCommand, LambdaClient, ListTagsCommand } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, GetBucketTaggingCommand, PutBucketTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import type { FakeCreateEvent, FakeRunInstances } from "../../../doubles/cloudtrail.js";
import { createLambdaRole } from "../../../doubles/moto-server.js";
import { lambdaZip } from "../../../playground/lambda-zip.js";
import { motoClientConfig } from "../../helpers/moto.js";

/**
 * Instances, a bucket, a Lambda function and DynamoDB tables in moto, in a region of their own
 * (other tag tests use us-east-1), with the CloudTrail create events the double serves for
 * them. GetResources lists only resources that have (or had) tags, as AWS does: each one
 * carries some tag.
 */
export const TYPES_REGION = "ap-southeast-2";
export const ACCOUNT = "123456789012";

export interface TypesWorld {
  region: string;
  vpc: string;
  instance: { compliant: string; missing: string };
  bucket: string;
  fn: { name: string; arn: string };
  table: { prod: string; prodArn: string; bad: string; badArn: string; ok: string };
  runEvents: FakeRunInstances[];
  createEvents: FakeCreateEvent[];
  ec2: EC2Client;
  tagsOf: {
    bucket(): Promise<Record<string, string>>;
    fn(): Promise<Record<string, string>>;
    table(arn: string): Promise<Record<string, string>>;
  };
}

const CAROL = { type: "IAMUser", userName: "carol", arn: `arn:aws:iam::${ACCOUNT}:user/carol` };
const DEPLOYER = { type: "AssumedRole", arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci` };

export async function buildTypesWorld(motoUrl: string, now: Date, suffix: string): Promise<TypesWorld> {
  const config = { ...motoClientConfig(motoUrl), region: TYPES_REGION };
  const ec2 = new EC2Client(config);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.50.0.0/16" }))).Vpc!.VpcId!;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.50.1.0/24" }))).Subnet!.SubnetId!;
  const run = async (tags: Record<string, string>) =>
    (
      await ec2.send(
        new RunInstancesCommand({ ImageId: "ami-12345678", MinCount: 1, MaxCount: 1, SubnetId: subnet, TagSpecifications: [{ ResourceType: "instance", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }] }),
      )
    ).Instances![0]!.InstanceId!;
  const instance = { compliant: await run({ ProjectCode: "P1", CreatedBy: "bob" }), missing: await run({ Name: "web" }) };

  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const bucket = `ledger-${suffix}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: TYPES_REGION } }));
  await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: "Team", Value: "finance" }] } }));

  const lambda = new LambdaClient(config);
  const fnName = `thumbnails-${suffix}`;
  const role = await createLambdaRole(`${motoUrl}/`, `lambda-basic-${suffix}`);
  const fn = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: fnName,
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      Role: role,
      Code: { ZipFile: await lambdaZip() },
      Tags: { ProjectCode: "P9", Environment: "PROD" },
    }),
  );

  const dynamo = new DynamoDBClient(config);
  const table = async (name: string, tags: Record<string, string>) =>
    (
      await dynamo.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      )
    ).TableDescription!.TableArn!;
  const names = { prod: `orders-${suffix}`, bad: `sessions-${suffix}`, ok: `audit-${suffix}` };
  const prodArn = await table(names.prod, { Environment: "prod", ProjectCode: "P2" });
  const badArn = await table(names.bad, { Environment: "qa", ProjectCode: "P3", CreatedBy: "dave" });
  await table(names.ok, { Environment: "Staging", ProjectCode: "P4", CreatedBy: "erin" });

  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  const runEvents: FakeRunInstances[] = [{ instanceIds: [instance.missing], eventTime: minutesAgo(6), userIdentity: CAROL, username: "carol" }];
  const createEvents: FakeCreateEvent[] = [
    { eventName: "CreateBucket", eventSource: "s3.amazonaws.com", eventTime: minutesAgo(9), userIdentity: CAROL, username: "carol", resources: [{ type: "AWS::S3::Bucket", name: bucket }], requestParameters: { bucketName: bucket } },
    // An older bucket of the same name, deleted since: the newer create wins.
    { eventName: "CreateBucket", eventSource: "s3.amazonaws.com", eventTime: minutesAgo(600), userIdentity: DEPLOYER, requestParameters: { bucketName: bucket } },
    { eventName: "CreateFunction20150331", eventSource: "lambda.amazonaws.com", eventTime: minutesAgo(8), userIdentity: DEPLOYER, requestParameters: { functionName: fnName }, responseElements: { functionArn: fn.FunctionArn } },
    // Resources name the table; the record names it too.
    { eventName: "CreateTable", eventSource: "dynamodb.amazonaws.com", eventTime: minutesAgo(7), userIdentity: CAROL, username: "carol", requestParameters: { tableName: names.prod }, responseElements: { tableDescription: { tableArn: prodArn } } },
  ];
  // Noise: 60 other tables, newer, so the sweep reads two pages of CreateTable.
  for (let n = 0; n < 60; n++) createEvents.push({ eventName: "CreateTable", eventSource: "dynamodb.amazonaws.com", eventTime: minutesAgo(5 - n / 60), userIdentity: CAROL, requestParameters: { tableName: `noise-${n}` } });

  return {
    region: TYPES_REGION,
    vpc,
    instance,
    bucket,
    fn: { name: fnName, arn: fn.FunctionArn! },
    table: { prod: names.prod, prodArn, bad: names.bad, badArn, ok: names.ok },
    runEvents,
    createEvents,
    ec2,
    tagsOf: {
      bucket: async () => Object.fromEntries(((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? []).map((t) => [t.Key!, t.Value ?? ""])),
      fn: async () => (await lambda.send(new ListTagsCommand({ Resource: fn.FunctionArn! }))).Tags ?? {},
      table: async (arn) => Object.fromEntries(((await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? []).map((t) => [t.Key!, t.Value ?? ""])),
    },
  };
}
