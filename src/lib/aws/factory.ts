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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClient = Client<any, MetadataBearer, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ClientClass<C extends AnyClient> = new (config: any) => C;

export interface ClientOverrides {
  /** A region for this client only, e.g. the one a Cognito pool id names. */
  region?: string;
  /** Socket read timeout in ms (long polls such as GetActivityTask need > 60 s). */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

export interface AwsClientFactory {
  /** A client of this class, built once per factory; resolves the region first. */
  client<C extends AnyClient>(Ctor: ClientClass<C>, overrides?: ClientOverrides): Promise<C>;
  /** Calls made so far, keyed `Service.Operation`. */
  readonly calls: Map<string, number>;
  /**
   * A factory for another account or region (an org run's target): same endpoint, user agent
   * and debug, its own clients; calls are counted into this factory's map too.
   */
  derive?(overrides: Pick<AwsSettings, "region" | "credentials" | "limiter">): AwsClientFactory;
}

export function createAwsClientFactory(settings: AwsSettings, parentCalls?: Map<string, number>): AwsClientFactory {
  // The SDK warns on every run under Node.js 20 about its future support window; that is
  // noise for a CLI's users (our own `engines` states what we support). Users may opt back in.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const clients = new Map<string, AnyClient>();
  const calls = new Map<string, number>();

  async function client<C extends AnyClient>(Ctor: ClientClass<C>, overrides: ClientOverrides = {}): Promise<C> {
    const key = `${Ctor.name}:${overrides.region ?? ""}:${overrides.requestTimeoutMs ?? ""}:${overrides.maxAttempts ?? ""}`;
    const existing = clients.get(key);
    if (existing) return existing as C;
    const config: Record<string, unknown> = {
      retryMode: "adaptive",
      maxAttempts: overrides.maxAttempts ?? settings.maxAttempts ?? 5,
      customUserAgent: [[settings.userAgent.name, settings.userAgent.version]],
    };
    const region = overrides.region ?? settings.region;
    if (region) config.region = region;
    if (settings.profile) config.profile = settings.profile;
    if (settings.credentials) config.credentials = settings.credentials;
    if (settings.endpointUrl) config.endpoint = settings.endpointUrl;
    if (overrides.requestTimeoutMs) {
      const { NodeHttpHandler } = await import("@smithy/node-http-handler");
      config.requestHandler = new NodeHttpHandler({
        requestTimeout: overrides.requestTimeoutMs,
        connectionTimeout: 10_000,
      });
    }
    const instance = new Ctor(config);
    await resolveRegion(instance);
    instrument(instance, calls, settings.debug, parentCalls);
    if (settings.limiter) limit(instance, settings.limiter);
    clients.set(key, instance);
    return instance;
  }

  const factory: AwsClientFactory = {
    client,
    calls,
    derive: (overrides) => createAwsClientFactory({ ...settings, ...overrides }, parentCalls ?? calls),
  };
  return factory;
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
