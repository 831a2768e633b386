import { CloudFormationClient, CreateStackCommand } from "@aws-sdk/client-cloudformation";
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { SESClient, VerifyEmailIdentityCommand } from "@aws-sdk/client-ses";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { randomUUID } from "node:crypto";
import { createLambdaRole, motoClientConfig } from "../doubles/moto-server.js";
import { lambdaZip } from "./lambda-zip.js";

/** What the README's walkthroughs name, seeded in moto. */
export interface MotoWorld {
  dlqUrl: string;
  workQueueUrl: string;
  userPoolId: string;
  clientId: string;
  topicArn: string;
}

export const COGNITO_USER = "ana";
export const COGNITO_PASSWORD = "Playground-Passw0rd!";
export const RULES_TABLE = "acme_cloud_policy_tagging_def";
/** The post's rules, as the README's rules.yaml and its DynamoDB table hold them. */
export const RULES = [
  { RuleId: 1, TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "Proj007" },
  { RuleId: 2, TagKey: "CreatedBy", Action: "UserLookup", Required: "Y" },
  { RuleId: 3, TagKey: "Expires", Action: "Function", Required: "N", Default: "today(+30d)" },
];

export async function seedMoto(url: string, apiUrl: string): Promise<MotoWorld> {
  const config = motoClientConfig(url);
  const [queues, pool, topicArn] = await Promise.all([
    seedQueues(new SQSClient(config)).then(async (queues) => (await seedLambda(config, queues.failures), queues)),
    seedPool(new CognitoIdentityProviderClient(config)),
    seedTagTargets(config),
    seedOrganization(new OrganizationsClient(config)),
    seedStacks(new CloudFormationClient(config), apiUrl),
    new SESClient(config).send(new VerifyEmailIdentityCommand({ EmailAddress: "approvals@example.com" })),
  ]);
  return { ...queues, ...pool, topicArn };
}

/** The thumbnailer's DLQ as Lambda fills it: the event as body, RequestID/ErrorCode/ErrorMessage. */
async function seedQueues(sqs: SQSClient) {
  const queue = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const [dlqUrl, workQueueUrl] = await Promise.all([queue("thumbnailer-dlq"), queue("thumbnailer-work")]);
  const failures = [
    ...Array.from({ length: 4 }, (_, i) => ({ requestId: randomUUID(), error: "Task timed out after 30.00 seconds", image: `uploads/img-${i + 1}.jpg` })),
    ...Array.from({ length: 2 }, (_, i) => ({ requestId: randomUUID(), error: "Cannot find module 'sharp'", image: `uploads/img-${i + 5}.png` })),
  ];
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: dlqUrl,
      Entries: failures.map((f, i) => ({
        Id: `m${i}`,
        MessageBody: JSON.stringify({ Records: [{ s3: { bucket: { name: "photos" }, object: { key: f.image } } }] }),
        MessageAttributes: {
          RequestID: { DataType: "String", StringValue: f.requestId },
          ErrorCode: { DataType: "String", StringValue: "200" },
          ErrorMessage: { DataType: "String", StringValue: f.error },
        },
      })),
    }),
  );
  return { dlqUrl, workQueueUrl, failures };
}

/** The function the DLQ belongs to, its log lines, and the roles the README's deploys name. */
async function seedLambda(config: ReturnType<typeof motoClientConfig>, failures: { requestId: string; error: string }[]): Promise<void> {
  const [basic] = await Promise.all(["lambda-basic", "awsblog-tags"].map((name) => createLambdaRole(config.endpoint, name)));
  await new LambdaClient(config).send(
    new CreateFunctionCommand({
      FunctionName: "thumbnailer",
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      Role: basic!,
      Code: { ZipFile: await lambdaZip() },
      Timeout: 30,
    }),
  );
  const logs = new CloudWatchLogsClient(config);
  const group = "/aws/lambda/thumbnailer";
  const stream = "2026/12/01/[$LATEST]playground";
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
  const start = Date.now() - 10 * 60_000;
  const lines = failures.flatMap((f) => [`START RequestId: ${f.requestId} Version: $LATEST`, `${new Date(start).toISOString()}\t${f.requestId}\tERROR\t${f.error}`, `END RequestId: ${f.requestId}`]);
  await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: lines.map((message, i) => ({ timestamp: start + i * 1000, message })) }));
}

/** A user pool with an app client allowing SRP, and one confirmed user with a permanent password. */
async function seedPool(cognito: CognitoIdentityProviderClient) {
  const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: "blog-users", AutoVerifiedAttributes: ["email"] }));
  const userPoolId = pool.UserPool!.Id!;
  const client = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: "awsblog",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      // What AWS puts in the ID token by default (moto puts only readable attributes there).
      ReadAttributes: ["email", "email_verified", "given_name", "family_name"],
    }),
  );
  // Signed up and confirmed as the walkthrough does it (moto's SRP does not find users made by AdminCreateUser).
  const clientId = client.UserPoolClient!.ClientId!;
  await cognito.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: COGNITO_USER,
      Password: COGNITO_PASSWORD,
      UserAttributes: [
        { Name: "email", Value: "ana@example.com" },
        { Name: "given_name", Value: "Ana" },
      ],
    }),
  );
  await cognito.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: COGNITO_USER }));
  return { userPoolId, clientId };
}

/** The tag policy's rules table and report topic (the instances are seeded with their CloudTrail events). */
async function seedTagTargets(config: ReturnType<typeof motoClientConfig>): Promise<string> {
  const dynamodb = new DynamoDBClient(config);
  await dynamodb.send(
    new CreateTableCommand({
      TableName: RULES_TABLE,
      AttributeDefinitions: [{ AttributeName: "RuleId", AttributeType: "N" }],
      KeySchema: [{ AttributeName: "RuleId", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  for (const rule of RULES) {
    const item = Object.fromEntries(Object.entries(rule).map(([k, v]) => [k, typeof v === "number" ? { N: String(v) } : { S: v }]));
    await dynamodb.send(new PutItemCommand({ TableName: RULES_TABLE, Item: item }));
  }
  const topic = await new SNSClient(config).send(new CreateTopicCommand({ Name: "tag-reports" }));
  return topic.TopicArn!;
}

/** The stages' stacks the pipeline's IntegrationTest actions name, with the ApiUrl output tests use. */
async function seedStacks(cloudFormation: CloudFormationClient, apiUrl: string): Promise<void> {
  for (const stage of ["beta", "gamma"]) {
    const template = {
      Resources: { Marker: { Type: "AWS::CloudFormation::WaitConditionHandle" } },
      Outputs: { ApiUrl: { Value: apiUrl }, Stage: { Value: stage } },
    };
    await cloudFormation.send(new CreateStackCommand({ StackName: `TimeService-${stage}`, TemplateBody: JSON.stringify(template) }));
  }
}

/** An organization with two member accounts (moto answers AssumeRole into them). */
async function seedOrganization(orgs: OrganizationsClient): Promise<void> {
  await orgs.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  for (const name of ["web", "data"]) await orgs.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
}
