import type {
  Client,
  DeserializeHandler,
  DeserializeHandlerArguments,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  MetadataBearer,
} from "@smithy/types";
import { summarize } from "../redact.js";
import { toAwsblogError } from "./errors.js";
import { resolveAwsEnvironment, type AwsEnvironment } from "./environment.js";
import { checkProfileExists } from "./profiles.js";

/**
 * Builds every AWS client a command uses, from the global options, with the standard
 * credential chain, adaptive retries and an awsblog user agent. Each client gets one
 * middleware that counts calls per operation (benchmarks read the counts), writes redacted
 * request summaries under --debug, and turns SDK errors into one-line AwsErrors.
 */
export interface AwsSettings {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Attempts per call including the first; adaptive retry mode paces throttled callers. */
  maxAttempts?: number;
  userAgent: { name: string; version: string };
  debug?: (message: () => string) => void;
  /** `--cli-connect-timeout` / `--cli-read-timeout` in ms; 0 = none. */
  timeouts?: Partial<Timeouts>;
  /**
   * The run's environment map (`ctx.env`): profile, config files, region, credentials and
   * configured endpoints are resolved from it (environment.ts). Default: process.env.
   */
  env?: NodeJS.ProcessEnv;
  /** Credentials other than the default chain's, e.g. an assumed role's (refreshing provider). */
  credentials?: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;
  /**
   * Client-side rate limits per `Service.Operation`: awaited before every HTTP attempt
   * (retries included) and told how it went, so a limiter can slow down on throttling.
   */
  limiter?: (key: string) => RequestLimiter | undefined;
}

export interface RequestLimiter {
  take(signal?: AbortSignal): Promise<void>;
  /** The attempt was answered: throttled or not. */
  done(throttled: boolean): void;
}

export interface Timeouts {
  /** Time to open the TCP (and TLS) connection. */
  connectMs: number;
  /** Time to wait for the response to start, and for the socket to go quiet after that. */
  readMs: number;
}

/** Defaults: the AWS CLI's 60 s read timeout; 10 s to connect (AWS answers a connect in ms). */
export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, readMs: 60_000 };

/**
 * Calls that legitimately take longer than the read timeout: long polls (the server holds
 * the response up to 20 s for SQS, 60 s for GetActivityTask) and code uploads. They get the
 * client's `requestTimeoutMs` override when it is larger; every other call of the same client
 * keeps the read timeout.
 */
const LONG_CALLS = new Set(["SQS.ReceiveMessage", "StepFunctions.GetActivityTask", "Lambda.CreateFunction", "Lambda.UpdateFunctionCode", "Lambda.PublishLayerVersion"]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClient = Client<any, MetadataBearer, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ClientClass<C extends AnyClient> = new (config: any) => C;

export interface ClientOverrides {
  /** A region for this client only, e.g. the one a queue URL names. */
  region?: string;
  /** The region a resource id names (a Cognito pool id): used unless --region was given. */
  resourceRegion?: string;
  /**
   * Read timeout in ms for this client's long calls (LONG_CALLS: long polls, uploads), when
   * larger than the user's read timeout. GetActivityTask needs > 60 s.
   */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

export interface AwsClientFactory {
  /** A client of this class, built once per factory; resolves the region first. */
  client<C extends AnyClient>(Ctor: ClientClass<C>, overrides?: ClientOverrides): Promise<C>;
  /** Calls made so far, keyed `Service.Operation`. */
  readonly calls: Map<string, number>;
  /**
   * A factory for another account or region (an org run's target): same endpoint, user agent,
   * environment and debug, its own clients; calls are counted into this factory's map too.
   */
  derive(overrides: Pick<AwsSettings, "region" | "credentials" | "limiter">): AwsClientFactory;
}

type CredentialProvider = NonNullable<AwsSettings["credentials"]>;

/** What a factory and the factories derived from it share: one environment, one credential chain. */
interface Shared {
  environment: AwsEnvironment;
  defaultCredentials: CredentialProvider;
  profileChecked?: Promise<void>;
}

export function createAwsClientFactory(settings: AwsSettings, parentCalls?: Map<string, number>, inherited?: Shared): AwsClientFactory {
  const env = settings.env ?? process.env;
  // --profile means what AWS_PROFILE means: the profile, its files, region, credentials and
  // endpoint_url are resolved from this run's env map (environment.ts) and given to every
  // client as configuration, never through process.env.
  const shared: Shared = inherited ?? createShared(settings, env);
  const { environment } = shared;
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...settings.timeouts };
  const clients = new Map<string, AnyClient>();
  const calls = new Map<string, number>();

  async function client<C extends AnyClient>(Ctor: ClientClass<C>, overrides: ClientOverrides = {}): Promise<C> {
    const key = `${Ctor.name}:${overrides.region ?? ""}:${overrides.resourceRegion ?? ""}:${overrides.requestTimeoutMs ?? ""}:${overrides.maxAttempts ?? ""}`;
    const existing = clients.get(key);
    if (existing) return existing as C;
    await (shared.profileChecked ??= checkProfileExists(environment.profile, environment));
    const logger = sdkLogger(settings.debug);
    const longCallMs = longest(timeouts.readMs, overrides.requestTimeoutMs ?? 0);
    const { NodeHttpHandler } = await import("@smithy/node-http-handler");
    const region = overrides.region ?? settings.region ?? overrides.resourceRegion ?? (await environment.region());
    const config: Record<string, unknown> = {
      retryMode: "adaptive",
      maxAttempts: overrides.maxAttempts ?? settings.maxAttempts ?? attemptsFromEnv(env) ?? 5,
      customUserAgent: [[settings.userAgent.name, settings.userAgent.version]],
      logger,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: timeouts.connectMs,
        requestTimeout: timeouts.readMs,
        // Without it a breached requestTimeout is only a logged warning and the call waits on.
        throwOnRequestTimeout: true,
        socketTimeout: longCallMs,
        logger,
      }),
      region: region ?? regionFromInstanceMetadata(environment),
      credentials: settings.credentials ?? shared.defaultCredentials,
      useFipsEndpoint: () => environment.useFipsEndpoint(),
      useDualstackEndpoint: () => environment.useDualstackEndpoint(),
    };
    if (environment.profile) config.profile = environment.profile;
    if (settings.endpointUrl) config.endpoint = settings.endpointUrl;
    const instance = new Ctor(config);
    if (!settings.endpointUrl) configureEndpoint(instance, environment);
    await resolveRegion(instance);
    instrument(instance, calls, settings.debug, parentCalls);
    if (settings.limiter) limit(instance, settings.limiter);
    if (longCallMs !== timeouts.readMs) giveLongCallsMoreTime(instance, longCallMs);
    clients.set(key, instance);
    return instance;
  }

  return {
    client,
    calls,
    derive: (overrides) => createAwsClientFactory({ ...settings, ...overrides }, parentCalls ?? calls, shared),
  };
}

function createShared(settings: AwsSettings, env: NodeJS.ProcessEnv): Shared {
  const environment = resolveAwsEnvironment({ profile: settings.profile }, env);
  const logger = sdkLogger(settings.debug);
  let chain: CredentialProvider | undefined;
  const defaultCredentials = async (identityProperties?: object) => {
    const fixed = environment.staticCredentials();
    if (fixed) return fixed;
    // The SDK's own chain (SSO, shared files, credential_process, web identity, ECS/IMDS),
    // told the profile and the files: it never looks for either in process.env. A profile
    // is always named so the chain's own environment-key step (process.env) is skipped;
    // this run's keys were looked at just above.
    chain ??= (await import("@aws-sdk/credential-provider-node")).defaultProvider({
      profile: environment.profile ?? "default",
      filepath: environment.credentialsFile,
      configFilepath: environment.configFile,
      logger,
    }) as CredentialProvider;
    return (chain as (properties?: object) => ReturnType<CredentialProvider>)(identityProperties);
  };
  return { environment, defaultCredentials };
}

/**
 * The endpoint of a client without --endpoint-url: the SDK looks up configured endpoints
 * (AWS_ENDPOINT_URL…, the profile's endpoint_url) through `serviceConfiguredEndpoint`,
 * reading process.env; this one reads the run's environment.
 */
function configureEndpoint(client: AnyClient, environment: AwsEnvironment): void {
  const config = client.config as { serviceId?: string; serviceConfiguredEndpoint?: () => Promise<string | undefined> };
  let configured: Promise<string | undefined> | undefined;
  config.serviceConfiguredEndpoint = () => (configured ??= environment.configuredEndpoint(config.serviceId ?? ""));
}

/** No region set anywhere: the instance metadata service's, unless AWS_EC2_METADATA_DISABLED. */
function regionFromInstanceMetadata(environment: AwsEnvironment): () => Promise<string> {
  return async () => {
    if (environment.metadataDisabled) throw new Error("Region is missing");
    const { NODE_REGION_CONFIG_OPTIONS } = await import("@smithy/core/config");
    return (NODE_REGION_CONFIG_OPTIONS.default as () => Promise<string>)();
  };
}

/** AWS_MAX_ATTEMPTS, as the AWS CLI and SDKs read it (1–20). */
export function attemptsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(n) && n >= 1 && n <= 20 ? n : undefined;
}

/** The larger of two timeouts where 0 means "none" (and so wins). */
function longest(a: number, b: number): number {
  return a === 0 ? 0 : Math.max(a, b);
}

/** Per-call request timeout: LONG_CALLS get `ms`, the rest keep the handler's read timeout. */
function giveLongCallsMoreTime(client: AnyClient, ms: number): void {
  const send = client.send.bind(client) as (command: unknown, options?: unknown, cb?: unknown) => unknown;
  const service = serviceName(client.constructor.name);
  client.send = ((command: { constructor: { name: string } }, options?: unknown, cb?: unknown) => {
    const operation = command.constructor.name.replace(/Command$/, "");
    if (!LONG_CALLS.has(`${service}.${operation}`) || typeof options === "function") return send(command, options, cb);
    return send(command, { requestTimeout: ms, ...(options as object | undefined) }, cb);
  }) as typeof client.send;
}

/**
 * The SDK's own log lines (a multi-line credential-source warning, socket notices) would break
 * the one-line stderr promise: they become --debug lines.
 */
function sdkLogger(debug: AwsSettings["debug"]) {
  const log = (level: string) => (...parts: unknown[]) => debug?.(() => `SDK ${level}: ${parts.map(String).join(" ").replace(/\s*\n\s*/g, " ")}`);
  return { trace: () => {}, debug: () => {}, info: () => {}, warn: log("warning"), error: log("error") };
}

async function resolveRegion(client: AnyClient): Promise<void> {
  try {
    const region = await (client.config as { region: () => Promise<string | undefined> }).region();
    if (region) return;
  } catch {
    // fall through to the usage error below
  }
  throw toAwsblogError(new Error("Region is missing"), "", "");
}

/** Paces each HTTP attempt (after signing, retries included) by the limiter of its operation. */
function limit(client: AnyClient, limiter: NonNullable<AwsSettings["limiter"]>): void {
  client.middlewareStack.add(
    (next: DeserializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: DeserializeHandlerArguments<object>) => {
      const key = `${serviceName(String(context.clientName ?? ""))}.${String(context.commandName ?? "").replace(/Command$/, "")}`;
      const bucket = limiter(key);
      if (!bucket) return next(args);
      await bucket.take((context as { abortSignal?: AbortSignal }).abortSignal);
      try {
        const result = await next(args);
        bucket.done(false);
        return result;
      } catch (error) {
        bucket.done(THROTTLE_CODES.test(String((error as { name?: string }).name ?? "")));
        throw error;
      }
    },
    { step: "deserialize", priority: "low", name: "awsblogLimiter" },
  );
}

const THROTTLE_CODES = /^(RequestLimitExceeded|Throttling|ThrottlingException|TooManyRequestsException|RequestThrottled|SlowDown)$/;

function instrument(client: AnyClient, calls: Map<string, number>, debug: AwsSettings["debug"], parentCalls?: Map<string, number>): void {
  client.middlewareStack.add(
    (next: InitializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<object>) => {
      const service = serviceName(String(context.clientName ?? ""));
      const operation = String(context.commandName ?? "").replace(/Command$/, "");
      const key = `${service}.${operation}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      if (parentCalls) parentCalls.set(key, (parentCalls.get(key) ?? 0) + 1);
      const started = Date.now();
      debug?.(() => `→ ${key} ${summarize(args.input)}`);
      try {
        const result = await next(args);
        debug?.(() => {
          const meta = (result.output as { $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number } }).$metadata;
          return `← ${key} ${meta?.httpStatusCode ?? ""} in ${Date.now() - started} ms, attempts ${meta?.attempts ?? 1}, request ${meta?.requestId ?? "-"}`;
        });
        return result;
      } catch (error) {
        debug?.(() => `✗ ${key} after ${Date.now() - started} ms: ${(error as Error).name}: ${(error as Error).message}`);
        throw toAwsblogError(error, service, operation);
      }
    },
    { step: "initialize", name: "awsblogInstrument", priority: "high" },
  );
}

const SERVICE_NAMES: Record<string, string> = {
  SFNClient: "StepFunctions",
  SESClient: "SES",
  EC2Client: "EC2",
  CloudTrailClient: "CloudTrail",
  DynamoDBClient: "DynamoDB",
  SNSClient: "SNS",
  SQSClient: "SQS",
  CognitoIdentityProviderClient: "Cognito",
  CloudWatchLogsClient: "CloudWatchLogs",
  LambdaClient: "Lambda",
  STSClient: "STS",
  OrganizationsClient: "Organizations",
  EventBridgeClient: "EventBridge",
  CognitoIdentityClient: "CognitoIdentity",
  CodePipelineClient: "CodePipeline",
  CloudFormationClient: "CloudFormation",
};

function serviceName(clientName: string): string {
  return SERVICE_NAMES[clientName] ?? clientName.replace(/Client$/, "");
}
