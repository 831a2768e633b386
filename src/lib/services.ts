import { randomBytes } from "node:crypto";
import type { AwsClientFactory } from "./aws/factory.js";
import type { CloudFormationApi } from "./aws/cloudformation.js";
import type { CloudTrailApi, CloudTrailOptions } from "./aws/cloudtrail.js";
import type { CodePipelineApi } from "./aws/codepipeline.js";
import type { CognitoApi } from "./aws/cognito.js";
import type { DynamoDbApi } from "./aws/dynamodb.js";
import type { Ec2Api } from "./aws/ec2.js";
import type { LambdaDeployApi } from "./aws/lambda-deploy.js";
import type { LambdaApi } from "./aws/lambda.js";
import type { LogsApi } from "./aws/logs.js";
import type { Mailer } from "./aws/ses.js";
import type { ActivityWorkerApi, ExecutionsApi, StepFunctionsApi } from "./aws/sfn.js";
import type { SnsApi } from "./aws/sns.js";
import type { SqsApi } from "./aws/sqs.js";
import type { StsApi } from "./aws/sts.js";
import type { CognitoIdentityApi } from "./aws/cognito-identity.js";
import type { PromptOptions } from "./cognito/tty-prompt.js";
import type { Context } from "./context.js";
import { sleep } from "./retry.js";

/**
 * The one dependency channel: every AWS API a command uses, built on first use from the
 * context's client factory (so `--help` and `approve` load only what they call). Tests hand
 * in their own with `main(argv, { services: { sqs: async () => fake } })`.
 */
export interface Services {
  sfn(): Promise<StepFunctionsApi>;
  activities(): Promise<ActivityWorkerApi>;
  executions(): Promise<ExecutionsApi>;
  mailer(): Promise<Mailer>;
  sqs(): Promise<SqsApi>;
  lambda(): Promise<LambdaApi>;
  lambdaDeploy(): Promise<LambdaDeployApi>;
  logs(): Promise<LogsApi>;
  ec2(): Promise<Ec2Api>;
  sns(): Promise<SnsApi>;
  dynamodb(): Promise<DynamoDbApi>;
  /** Not memoised: each caller brings its own pacing. */
  cloudtrail(options?: CloudTrailOptions): Promise<CloudTrailApi>;
  /** One attempt per call (callers pace and retry); reads stop on Ctrl-C. */
  codepipeline(): Promise<CodePipelineApi>;
  cloudformation(): Promise<CloudFormationApi>;
  /** Cognito in the pool's region (the pool id names it). */
  cognito(poolRegion?: string): Promise<CognitoApi>;
  /** STS AssumeRoleWithSAML, sent unsigned. */
  sts(): Promise<StsApi>;
  /** Cognito identity pools in the pool's region (the pool id names it); unsigned calls. */
  cognitoIdentity(poolRegion?: string): Promise<CognitoIdentityApi>;
  /** Waits for backoff and pacing; tests make it instant or observable. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Jitter source. */
  random(): number;
  /** HTTP for non-AWS calls (cognito call, IdP sign-in). */
  fetch: typeof fetch;
  /** Secret random bytes (the SRP private value); tests pin them. */
  randomBytes(size: number): Buffer;
  /** One line typed on the terminal (`output` is ctx.stderr, never stdout); tests answer it. */
  prompt(question: string, options: PromptOptions): Promise<string>;
}

type ServiceHost = Pick<Context, "aws" | "globals" | "out" | "signal">;

export function createServices(host: ServiceHost, overrides: Partial<Services> = {}): Services {
  const aws: AwsClientFactory = host.aws;
  const built: Services = {
    sfn: once(async () => (await import("./aws/sfn.js")).createStepFunctionsApi(aws)),
    activities: once(async () => (await import("./aws/sfn.js")).createActivityWorkerApi(aws)),
    executions: once(async () => (await import("./aws/sfn.js")).createExecutionsApi(aws)),
    mailer: once(async () => (await import("./aws/ses.js")).createMailer(aws)),
    sqs: once(async () => (await import("./aws/sqs.js")).createSqsApi(aws)),
    lambda: once(async () => (await import("./aws/lambda.js")).createLambdaApi(aws)),
    lambdaDeploy: once(async () => (await import("./aws/lambda-deploy.js")).createLambdaDeployApi(aws)),
    logs: once(async () => (await import("./aws/logs.js")).createLogsApi(aws)),
    ec2: once(async () => (await import("./aws/ec2.js")).createEc2Api(aws)),
    sns: once(async () => (await import("./aws/sns.js")).createSnsApi(aws)),
    dynamodb: once(async () => (await import("./aws/dynamodb.js")).createDynamoDbApi(aws)),
    cloudtrail: async (options) => (await import("./aws/cloudtrail.js")).createCloudTrailApi(aws, options),
    codepipeline: once(async () => (await import("./aws/codepipeline.js")).createCodePipelineApi(aws, { signal: host.signal })),
    cloudformation: once(async () => (await import("./aws/cloudformation.js")).createCloudFormationApi(aws)),
    cognito: async (poolRegion) => (await import("./aws/cognito.js")).createCognitoApi(host, poolRegion),
    sts: once(async () => (await import("./aws/sts.js")).createStsApi(host)),
    cognitoIdentity: async (poolRegion) => (await import("./aws/cognito-identity.js")).createCognitoIdentityApi(host, poolRegion),
    sleep,
    random: Math.random,
    fetch: (...args) => fetch(...args),
    randomBytes: (size) => randomBytes(size),
    prompt: async (question, options) => (await import("./cognito/tty-prompt.js")).promptLine(question, options),
  };
  return { ...built, ...overrides };
}

function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => (built ??= build());
}
