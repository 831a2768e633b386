import { randomBytes } from "node:crypto";
import type { AwsClientFactory, AwsSettings } from "./aws/factory.js";
import type { CloudFormationApi } from "./aws/cloudformation.js";
import type { CloudTrailApi, CloudTrailOptions } from "./aws/cloudtrail.js";
import type { CodeBuildApi } from "./aws/codebuild.js";
import type { CodePipelineApi } from "./aws/codepipeline.js";
import type { CognitoApi } from "./aws/cognito.js";
import type { DynamoDbApi } from "./aws/dynamodb.js";
import type { Ec2Api, Ec2RegionsApi } from "./aws/ec2.js";
import type { EventBridgeApi } from "./aws/eventbridge.js";
import type { LambdaScheduleApi } from "./aws/lambda-schedule.js";
import type { StateMachinesApi } from "./aws/sfn-deploy.js";
import type { OrganizationsApi } from "./aws/organizations.js";
import type { LambdaDeployApi } from "./aws/lambda-deploy.js";
import type { LambdaApi } from "./aws/lambda.js";
import type { LogsApi } from "./aws/logs.js";
import type { LogTailApi } from "./aws/log-tail.js";
import type { Mailer } from "./aws/ses.js";
import type { ActivityWorkerApi, ExecutionsApi, StepFunctionsApi } from "./aws/sfn.js";
import type { SnsApi, SnsTopicsApi } from "./aws/sns.js";
import type { SqsApi } from "./aws/sqs.js";
import type { TaggingApi } from "./aws/tagging.js";
import type { SamlStsApi } from "./aws/sts-saml.js";
import type { S3Api } from "./aws/s3.js";
import type { CallerStsApi } from "./aws/sts-caller.js";
import type { CognitoIdentityApi } from "./aws/cognito-identity.js";
import type { PromptOptions } from "./cognito/tty-prompt.js";
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
  /** Uploads of large deployment packages (`deploy --s3-bucket`). */
  s3(): Promise<S3Api>;
  logs(): Promise<LogsApi>;
  /** GetLogEvents from a stream's end (a failed build's log). */
  logTail(): Promise<LogTailApi>;
  ec2(): Promise<Ec2Api>;
  /** DescribeRegions (`--regions all`). */
  ec2Regions(): Promise<Ec2RegionsApi>;
  /** The caller's STS: GetCallerIdentity, the resolved region, AssumeRole (org runs; signed with the caller's credentials). */
  callerSts(): Promise<CallerStsApi>;
  organizations(): Promise<OrganizationsApi>;
  eventbridge(): Promise<EventBridgeApi>;
  /** Invoke permission and removal for `tags schedule` (create/update: lambdaDeploy). */
  lambdaSchedule(): Promise<LambdaScheduleApi>;
  /** Create/update/delete of `tags schedule --fan-out`'s state machine. */
  stateMachines(): Promise<StateMachinesApi>;
  sns(): Promise<SnsApi>;
  /** PublishBatch and GetTopicAttributes for `dlq redrive --to <topic-arn>`, in the topic's region. */
  snsTopics(): Promise<SnsTopicsApi>;
  /** Resource Groups Tagging API: GetResources / TagResources / UntagResources (tags --resource-types). */
  tagging(): Promise<TaggingApi>;
  dynamodb(): Promise<DynamoDbApi>;
  /** Not memoised: each caller brings its own pacing. */
  cloudtrail(options?: CloudTrailOptions): Promise<CloudTrailApi>;
  /** One attempt per call (callers pace and retry); reads stop on Ctrl-C. */
  codepipeline(): Promise<CodePipelineApi>;
  cloudformation(): Promise<CloudFormationApi>;
  /** BatchGetBuilds (a failed pipeline action's build). */
  codebuild(): Promise<CodeBuildApi>;
  /** Cognito in the pool's region (the pool id names it). */
  cognito(poolRegion?: string): Promise<CognitoApi>;
  /** STS AssumeRoleWithSAML for `saml login`: the assertion is the credential, sent unsigned. */
  samlSts(): Promise<SamlStsApi>;
  /** Cognito identity pools in the pool's region (the pool id names it); unsigned calls. */
  cognitoIdentity(poolRegion?: string): Promise<CognitoIdentityApi>;
  /** Waits for backoff and pacing; tests make it instant or observable. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Milliseconds on a steady clock for pacing and rate buckets (wall time is ctx.now); tests pin it with their sleep. */
  monotonicNow(): number;
  /** Jitter source. */
  random(): number;
  /** HTTP for non-AWS calls (cognito call, IdP sign-in). */
  fetch: typeof fetch;
  /** Secret random bytes (the SRP private value); tests pin them. */
  randomBytes(size: number): Buffer;
  /** One line typed on the terminal (`output` is ctx.stderr, never stdout); tests answer it. */
  prompt(question: string, options: PromptOptions): Promise<string>;
  /**
   * The AWS APIs of another account × region (an org run's target): its region, its
   * credentials (an assumed role's; none = the caller's), its request limiter. The clock,
   * sleep, randomness and fetch are this run's (fakes included); tests replace the whole
   * function to hand each target its own fakes.
   */
  forTarget(target: TargetSettings): Services;
  /** Closes the AWS clients these services built (a target's, once it is done); they are not used after. */
  dispose(): void;
  /**
   * The AWS APIs as another profile (`dlq redrive --to-profile`: a target in another account):
   * that profile's credentials from the shared files, the given region (else the run's). The
   * clock, sleep, randomness and fetch are this run's.
   */
  forProfile(target: { profile: string; region?: string }): Services;
}

export type TargetSettings = Required<Pick<AwsSettings, "region">> &
  Pick<AwsSettings, "credentials" | "limiter"> & {
    /** The target's account (its credentials say so too; fakes use it to pick their data). */
    accountId: string;
  };

/** What the services are built from: the client factory (the only holder of it), Ctrl-C, the run's env map. */
export interface ServiceHost {
  aws: AwsClientFactory;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export function createServices(host: ServiceHost, overrides: Partial<Services> = {}): Services {
  const { aws, signal, env } = host;
  const built: Services = {
    sfn: once(async () => (await import("./aws/sfn.js")).createStepFunctionsApi(aws)),
    activities: once(async () => (await import("./aws/sfn.js")).createActivityWorkerApi(aws)),
    executions: once(async () => (await import("./aws/sfn.js")).createExecutionsApi(aws)),
    mailer: once(async () => (await import("./aws/ses.js")).createMailer(aws)),
    sqs: once(async () => (await import("./aws/sqs.js")).createSqsApi(aws)),
    lambda: once(async () => (await import("./aws/lambda.js")).createLambdaApi(aws)),
    lambdaDeploy: once(async () => (await import("./aws/lambda-deploy.js")).createLambdaDeployApi(aws)),
    s3: once(async () => (await import("./aws/s3.js")).createS3Api(aws)),
    logs: once(async () => (await import("./aws/logs.js")).createLogsApi(aws)),
    logTail: once(async () => (await import("./aws/log-tail.js")).createLogTailApi(aws)),
    ec2: once(async () => (await import("./aws/ec2.js")).createEc2Api(aws)),
    ec2Regions: once(async () => (await import("./aws/ec2.js")).createEc2RegionsApi(aws)),
    callerSts: once(async () => (await import("./aws/sts-caller.js")).createCallerStsApi(aws)),
    organizations: once(async () => (await import("./aws/organizations.js")).createOrganizationsApi(aws)),
    eventbridge: once(async () => (await import("./aws/eventbridge.js")).createEventBridgeApi(aws)),
    lambdaSchedule: once(async () => (await import("./aws/lambda-schedule.js")).createLambdaScheduleApi(aws)),
    stateMachines: once(async () => (await import("./aws/sfn-deploy.js")).createStateMachinesApi(aws)),
    sns: once(async () => (await import("./aws/sns.js")).createSnsApi(aws)),
    snsTopics: once(async () => (await import("./aws/sns.js")).createSnsTopicsApi(aws)),
    tagging: once(async () => (await import("./aws/tagging.js")).createTaggingApi(aws)),
    dynamodb: once(async () => (await import("./aws/dynamodb.js")).createDynamoDbApi(aws)),
    cloudtrail: async (options) => (await import("./aws/cloudtrail.js")).createCloudTrailApi(aws, options),
    codepipeline: once(async () => (await import("./aws/codepipeline.js")).createCodePipelineApi(aws, { signal })),
    cloudformation: once(async () => (await import("./aws/cloudformation.js")).createCloudFormationApi(aws)),
    codebuild: once(async () => (await import("./aws/codebuild.js")).createCodeBuildApi(aws)),
    cognito: async (poolRegion) => (await import("./aws/cognito.js")).createCognitoApi(aws, { signal }, poolRegion),
    samlSts: once(async () => (await import("./aws/sts-saml.js")).createSamlStsApi(aws, { signal, env })),
    cognitoIdentity: async (poolRegion) => (await import("./aws/cognito-identity.js")).createCognitoIdentityApi(aws, { signal, env }, poolRegion),
    sleep,
    monotonicNow: () => performance.now(),
    random: Math.random,
    fetch: (...args) => fetch(...args),
    randomBytes: (size) => randomBytes(size),
    prompt: async (question, options) => (await import("./cognito/tty-prompt.js")).promptLine(question, options),
    dispose: () => aws.destroy(),
    forTarget: ({ region, credentials, limiter }) => createServices({ aws: aws.derive({ region, credentials, limiter }), signal, env }, runSeams(services)),
    forProfile: ({ profile, region }) => createServices({ aws: aws.derive({ region, profile }), signal, env }, runSeams(services)),
  };
  const services: Services = { ...built, ...overrides };
  return services;
}

/** The seams a target's services keep from the run's: clock, sleep, randomness, fetch, prompt. */
function runSeams(services: Services): Partial<Services> {
  const { sleep, monotonicNow, random, fetch, randomBytes, prompt } = services;
  return { sleep, monotonicNow, random, fetch, randomBytes, prompt };
}

function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => (built ??= build());
}
