import type {
  Client,
  DeserializeHandler,
  DeserializeHandlerArguments,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  MetadataBearer,
} from "@smithy/types";
import { redactError, redactSecrets, secretValues, summarize } from "../redact.js";
import { toAwsblogError } from "./errors.js";
import { checkSharedConfig } from "./profiles.js";

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
  /** Where the AWS config files are looked up (the SDK reads process.env itself). */
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
  /** A region for this client only, e.g. the one a Cognito pool id names. */
  region?: string;
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
   * A factory for another account or region (an org run's target): same endpoint, user agent
   * and debug, its own clients; calls are counted into this factory's map too.
   */
  derive?(overrides: Pick<AwsSettings, "region" | "credentials" | "limiter">): AwsClientFactory;
}

export function createAwsClientFactory(settings: AwsSettings, parentCalls?: Map<string, number>): AwsClientFactory {
  // The SDK warns on every run under Node.js 20 about its future support window; that is
  // noise for a CLI's users (our own `engines` states what we support). Users may opt back in.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // --profile must mean what AWS_PROFILE means: parts of the SDK's resolution (endpoint_url,
  // services sections, defaults_mode, ignore_configured_endpoint_urls) read the profile from
  // the environment only, whatever `profile` a client is given. The CLI owns its process.
  if (settings.profile) process.env.AWS_PROFILE = settings.profile;
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...settings.timeouts };
  const clients = new Map<string, AnyClient>();
  const calls = new Map<string, number>();
  let profileChecked: Promise<void> | undefined;

  async function client<C extends AnyClient>(Ctor: ClientClass<C>, overrides: ClientOverrides = {}): Promise<C> {
    const key = `${Ctor.name}:${overrides.region ?? ""}:${overrides.requestTimeoutMs ?? ""}:${overrides.maxAttempts ?? ""}`;
    const existing = clients.get(key);
    if (existing) return existing as C;
    await (profileChecked ??= checkSharedConfig(settings.profile ?? process.env.AWS_PROFILE, settings.env ?? process.env));
    const logger = sdkLogger(settings.debug);
    const longCallMs = longest(timeouts.readMs, overrides.requestTimeoutMs ?? 0);
    const { NodeHttpHandler } = await import("@smithy/node-http-handler");
    const config: Record<string, unknown> = {
      retryMode: "adaptive",
      maxAttempts: overrides.maxAttempts ?? settings.maxAttempts ?? attemptsFromEnv(settings.env ?? process.env) ?? 5,
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
    };
    const region = overrides.region ?? settings.region;
    if (region) config.region = region;
    if (settings.profile) config.profile = settings.profile;
    if (settings.credentials) config.credentials = settings.credentials;
    if (settings.endpointUrl) config.endpoint = settings.endpointUrl;
    const instance = new Ctor(config);
    await resolveRegion(instance);
    instrument(instance, calls, settings.debug, parentCalls);
    if (settings.limiter) limit(instance, settings.limiter);
    if (longCallMs !== timeouts.readMs) giveLongCallsMoreTime(instance, longCallMs);
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
        // AWS echoes what it was sent ("Invalid token: …"): the request's secrets never come back in our lines.
        const secrets = secretValues(args.input);
        debug?.(() => redactSecrets(`✗ ${key} after ${Date.now() - started} ms: ${(error as Error).name}: ${(error as Error).message}`, secrets));
        throw redactError(toAwsblogError(error, service, operation), secrets);
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
