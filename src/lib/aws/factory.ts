import type {
  Client,
  DeserializeHandler,
  DeserializeHandlerArguments,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  Logger,
  MetadataBearer,
} from "@smithy/types";
import { callBudgetMs, DEFAULT_LIMITS, deadline, longPollMs, type Limits } from "../deadline.js";
import { describeError } from "../errors.js";
import { redactError, redactSecrets, secretValues, summarize } from "../redact.js";
import { isThrottling, isTimeout } from "../retry.js";
import { badCredentialCharacters, interruptedCall, noAnswer, toAwsblogError } from "./errors.js";
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
  timeouts?: Partial<Limits>;
  /**
   * Ctrl-C: read calls (READ_CALL) in flight are abandoned at once and new ones refused;
   * calls that change something always run to their end.
   */
  interrupt?: AbortSignal;
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

/**
 * Long polls: the server holds the response up to this long (SQS ReceiveMessage 20 s,
 * GetActivityTask 60 s). Their read limit is the hold plus a grace (src/lib/deadline.ts).
 */
const LONG_POLLS: Record<string, number> = { "SQS.ReceiveMessage": 20_000, "StepFunctions.GetActivityTask": 60_000 };
/** Code uploads (zips up to 50 MB on slow links) get at least this read limit. */
const UPLOADS = new Set(["Lambda.CreateFunction", "Lambda.UpdateFunctionCode", "Lambda.PublishLayerVersion", "S3.PutObject", "S3.UploadPart"]);
const UPLOAD_READ_MS = 300_000;

/**
 * Calls that only read: after Ctrl-C they are abandoned at once (nothing is lost). Not
 * GetActivityTask: AWS may be handing the poll a task, which an abort would lose. Not SQS
 * ReceiveMessage: it hides what it returns for the visibility timeout, so an abandoned receive
 * leaves messages hidden that the command would have made visible again (dlq inspect/redrive).
 */
const READ_CALL = /^(Get|List|Describe|Lookup|Filter|Search|Query|Scan|BatchGet|Head)/;
const NOT_READS = new Set(["StepFunctions.GetActivityTask"]);

/** The read limit of one attempt of this call: long polls and uploads get more. */
export function attemptReadMs(limits: Limits, key: string): number {
  const hold = LONG_POLLS[key];
  if (hold !== undefined) return longPollMs(limits, hold);
  if (UPLOADS.has(key)) return limits.readMs === 0 ? 0 : Math.max(limits.readMs, UPLOAD_READ_MS);
  return limits.readMs;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClient = Client<any, MetadataBearer, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ClientClass<C extends AnyClient> = new (config: any) => C;

export interface ClientOverrides {
  /** A region for this client only, e.g. the one a queue URL names. */
  region?: string;
  /** The region a resource id names (a Cognito pool id): used unless --region was given. */
  resourceRegion?: string;
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
   * `profile`: that shared-config profile's credentials (a target in another account).
   */
  derive(overrides: Partial<Pick<AwsSettings, "region" | "credentials" | "limiter">> & { profile?: string }): AwsClientFactory;
  /**
   * Closes the clients this factory built (their keep-alive sockets): an org run's target when
   * it is done, so thousands of finished targets do not keep a socket each until AWS drops it.
   */
  destroy(): void;
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
  const limits: Limits = { ...DEFAULT_LIMITS, ...settings.timeouts };
  const clients = new Map<string, AnyClient>();
  const calls = new Map<string, number>();

  async function client<C extends AnyClient>(Ctor: ClientClass<C>, overrides: ClientOverrides = {}): Promise<C> {
    const key = `${Ctor.name}:${overrides.region ?? ""}:${overrides.resourceRegion ?? ""}:${overrides.maxAttempts ?? ""}`;
    const existing = clients.get(key);
    if (existing) return existing as C;
    await (shared.profileChecked ??= checkProfileExists(environment.profile, environment, env));
    // The SDK logs a failed call (its message may echo a token) before our middleware sees it.
    const inFlight = new Set<string>();
    const logger = sdkLogger(settings.debug, inFlight);
    const service = serviceName(Ctor.name);
    // The socket may stay quiet as long as the longest call of this service waits.
    const quietMs = Object.keys({ ...LONG_POLLS, ...Object.fromEntries([...UPLOADS].map((k) => [k, 0])) })
      .filter((k) => k.startsWith(`${service}.`))
      .reduce((ms, k) => longest(ms, attemptReadMs(limits, k)), limits.readMs);
    const { NodeHttpHandler } = await import("@smithy/node-http-handler");
    const region = overrides.region ?? settings.region ?? overrides.resourceRegion ?? (await environment.region());
    const config: Record<string, unknown> = {
      retryMode: "adaptive",
      maxAttempts: overrides.maxAttempts ?? settings.maxAttempts ?? attemptsFromEnv(env) ?? 5,
      customUserAgent: [[settings.userAgent.name, settings.userAgent.version]],
      logger,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: limits.connectMs,
        requestTimeout: limits.readMs,
        // Without it a breached requestTimeout is only a logged warning and the call waits on.
        throwOnRequestTimeout: true,
        socketTimeout: quietMs,
        logger,
      }),
      region: region ?? regionFromInstanceMetadata(environment),
      credentials: settings.credentials ?? shared.defaultCredentials,
      useFipsEndpoint: () => environment.useFipsEndpoint(),
      useDualstackEndpoint: () => environment.useDualstackEndpoint(),
    };
    if (environment.profile) config.profile = environment.profile;
    if (settings.endpointUrl) config.endpoint = settings.endpointUrl;
    // An --endpoint-url (moto, MinIO, a VPC endpoint by address) has no bucket subdomains.
    if (settings.endpointUrl && Ctor.name === "S3Client") config.forcePathStyle = true;
    const instance = new Ctor(config);
    if (!settings.endpointUrl) configureEndpoint(instance, environment);
    await resolveRegion(instance);
    instrument(instance, calls, settings.debug, env, parentCalls, inFlight);
    if (settings.limiter) limit(instance, settings.limiter);
    retryTimeoutsOnce(instance);
    refuseWebPages(instance);
    bound(instance, limits, settings.interrupt, env);
    clients.set(key, instance);
    return instance;
  }

  return {
    client,
    calls,
    destroy: () => {
      for (const instance of clients.values()) instance.destroy();
      clients.clear();
    },
    derive: ({ profile, ...overrides }) => {
      const credentials = overrides.credentials ?? (profile ? profileCredentials(shared, profile, env, settings.debug) : undefined);
      // An override left undefined keeps this factory's setting (--region), as before.
      const given = Object.fromEntries(Object.entries({ ...overrides, credentials }).filter(([, v]) => v !== undefined));
      return createAwsClientFactory({ ...settings, ...given }, parentCalls ?? calls, shared);
    },
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
 * Another profile's credentials, through the SDK's chain told that profile and this run's
 * shared files (never process.env): `dlq redrive --to-profile`. A profile missing from both
 * files is the same usage error as a wrong --profile.
 */
function profileCredentials(shared: Shared, profile: string, env: NodeJS.ProcessEnv, debug: AwsSettings["debug"]): CredentialProvider {
  const { environment } = shared;
  let chain: Promise<CredentialProvider> | undefined;
  return async () => {
    chain ??= checkProfileExists(profile, environment, env).then(
      async () =>
        (await import("@aws-sdk/credential-provider-node")).defaultProvider({
          profile,
          filepath: environment.credentialsFile,
          configFilepath: environment.configFile,
          logger: sdkLogger(debug),
        }) as CredentialProvider,
    );
    return (await chain)();
  };
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

/** Why a call's own AbortSignal fired: its total time ran out, or Ctrl-C abandoned a read. */
class CallBudgetSpent extends Error {}
class ReadAbandoned extends Error {}

/** Attempts made so far per call, keyed by the call's AbortSignal (the one `bound` passes). */
const attemptsOf = new WeakMap<AbortSignal, { attempts: number }>();

/**
 * Every call ends: one total deadline over all its attempts and backoff (callBudgetMs), the
 * per-attempt read limit of long polls and uploads, and, for reads, Ctrl-C. A call that ran
 * out of time, or whose last attempt timed out, becomes one NoAnswerError naming the service,
 * operation, attempts and seconds.
 */
function bound(client: AnyClient, limits: Limits, interrupt: AbortSignal | undefined, env: NodeJS.ProcessEnv): void {
  const send = client.send.bind(client) as (command: unknown, options?: unknown, cb?: unknown) => Promise<unknown>;
  const service = serviceName(client.constructor.name);
  client.send = ((command: { constructor: { name: string } }, optionsOrCb?: unknown, cb?: unknown) => {
    if (typeof optionsOrCb === "function" || typeof cb === "function") return send(command, optionsOrCb, cb); // callback style: unused here
    const options = (optionsOrCb ?? {}) as { abortSignal?: AbortSignal; requestTimeout?: number };
    const operation = command.constructor.name.replace(/Command$/, "");
    const key = `${service}.${operation}`;
    const readMs = attemptReadMs(limits, key);
    const read = READ_CALL.test(operation) && !NOT_READS.has(key);
    const abandon = [options.abortSignal, read ? interrupt : undefined].filter((s): s is AbortSignal => s !== undefined);
    const call = deadline(callBudgetMs(limits, readMs), undefined, () => new CallBudgetSpent());
    const onAbandon = () => call.abort(new ReadAbandoned());
    for (const signal of abandon) {
      if (signal.aborted) onAbandon();
      else signal.addEventListener("abort", onAbandon, { once: true });
    }
    const counter = { attempts: 0 };
    attemptsOf.set(call.signal, counter);
    const extra = readMs !== limits.readMs ? { requestTimeout: readMs } : {};
    // async: a test double's send may answer without a promise.
    return (async () => send(command, { ...options, ...extra, abortSignal: call.signal }))()
      .catch((error: unknown) => {
        const raw = (error as { cause?: unknown }).cause ?? error;
        const reason = call.signal.reason as unknown;
        const attempts = Math.max(counter.attempts, (raw as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 0, 1);
        if (reason instanceof ReadAbandoned) throw interruptedCall(service, operation, read);
        // Node refused a header: name the variable of this run's environment that holds it.
        if ((raw as { code?: string }).code === "ERR_INVALID_CHAR") throw badCredentialCharacters(env, raw);
        if (reason instanceof CallBudgetSpent || isTimeout(raw)) throw noAnswer(service, operation, { attempts, elapsedMs: call.elapsed(), raw, cause: error });
        throw error;
      })
      .finally(() => {
        call.dispose();
        for (const signal of abandon) signal.removeEventListener("abort", onAbandon);
      });
  }) as typeof client.send;
  client.middlewareStack.add(
    (next: DeserializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: DeserializeHandlerArguments<object>) => {
      const signal = (context as { __smithy_context?: { abortSignal?: AbortSignal } }).__smithy_context?.abortSignal;
      const counter = signal ? attemptsOf.get(signal) : undefined;
      if (counter) counter.attempts++;
      return next(args);
    },
    { step: "deserialize", priority: "high", name: "awsblogAttempts" },
  );
}

/**
 * A web page answered with 200 (a captive portal, a proxy's login page, a wrong
 * --endpoint-url) is not an AWS answer: the query/XML parsers would read it as an empty
 * result (no instances, no queues) and the command would report success. Every client gets
 * this check before its parser: a 2xx answer labelled HTML whose body starts as an HTML
 * document fails the call, classified like any other non-AWS body (errors.ts).
 */
function refuseWebPages(client: AnyClient): void {
  const collect = (client.config as unknown as { streamCollector: (body: unknown) => Promise<Uint8Array> }).streamCollector;
  client.middlewareStack.add(
    (next: DeserializeHandler<object, MetadataBearer>) => async (args: DeserializeHandlerArguments<object>) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; headers?: Record<string, string>; body?: unknown };
      const status = response.statusCode ?? 0;
      const type = Object.entries(response.headers ?? {}).find(([name]) => name.toLowerCase() === "content-type")?.[1] ?? "";
      if (status < 200 || status >= 300 || !/html/i.test(type) || response.body === undefined) return result;
      // Some emulators label XML answers text/html: look at the body before calling it a page.
      const bytes = await collect(response.body);
      response.body = bytes;
      if (isHtmlDocument(bytes)) {
        throw Object.assign(new Error("the endpoint answered with an HTML page"), {
          name: "Unknown",
          $metadata: { httpStatusCode: status },
          $response: response,
        });
      }
      return result;
    },
    // Below the deserializer (normal priority): sees the raw answer before it is parsed.
    { step: "deserialize", priority: "low", name: "awsblogRefuseWebPages" },
  );
}

/** The body opens as an HTML document (a doctype or an <html> tag), after any BOM and blanks. */
export function isHtmlDocument(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 512)).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  return /^(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html[\s>])/i.test(head);
}

/**
 * Timeouts are retried once, not up to the attempts throttling and 5xx answers get: a silent
 * endpoint stays silent, and each retry would cost a full read timeout.
 */
function retryTimeoutsOnce(client: AnyClient): void {
  type Token = object;
  type Strategy = {
    acquireInitialRetryToken(scope: string): Promise<Token>;
    refreshRetryTokenForRetry(token: Token, info: { error?: unknown }): Promise<Token>;
    recordSuccess(token: Token): void;
    mode?: string;
  };
  const config = client.config as unknown as { retryStrategy: () => Promise<Strategy> };
  const inner = config.retryStrategy;
  let wrapped: Promise<Strategy> | undefined;
  config.retryStrategy = () =>
    (wrapped ??= inner().then((strategy) => {
      const timeoutRetries = new WeakMap<Token, number>();
      return {
        mode: strategy.mode,
        acquireInitialRetryToken: (scope) => strategy.acquireInitialRetryToken(scope),
        async refreshRetryTokenForRetry(token, info) {
          const before = timeoutRetries.get(token) ?? 0;
          const timedOut = isTimeout(info.error);
          if (timedOut && before >= 1) throw info.error;
          const next = await strategy.refreshRetryTokenForRetry(token, info);
          timeoutRetries.set(next, before + (timedOut ? 1 : 0));
          return next;
        },
        recordSuccess: (token) => strategy.recordSuccess(token),
      } satisfies Strategy;
    }));
}

/**
 * The SDK's own log lines (a multi-line credential-source warning, socket notices) would break
 * the one-line stderr promise: they become --debug lines.
 */
function sdkLogger(debug: AwsSettings["debug"], secrets: ReadonlySet<string> = new Set()) {
  const log = (level: string) => (...parts: unknown[]) =>
    debug?.(() => redactSecrets(`SDK ${level}: ${parts.map(describeError).join(" ").replace(/\s*\n\s*/g, " ")}`, [...secrets]));
  // No `info`: the SDK's logger middleware calls `logger.info?.({ output: <a filtered copy of
  // the whole response> })` after every call, and builds that copy only when `info` exists —
  // for an org scan, a second copy of every DescribeInstances page, thrown away at once.
  // (`debug` must exist: credential providers call it unguarded.)
  return { trace: () => {}, debug: () => {}, warn: log("warning"), error: log("error") } as unknown as Logger;
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
        bucket.done(isThrottling(error));
        throw error;
      }
    },
    { step: "deserialize", priority: "low", name: "awsblogLimiter" },
  );
}

function instrument(client: AnyClient, calls: Map<string, number>, debug: AwsSettings["debug"], env: NodeJS.ProcessEnv, parentCalls?: Map<string, number>, inFlight = new Set<string>()): void {
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
      // AWS echoes what it was sent ("Invalid token: …"): the request's secrets never come back in our lines.
      const secrets = secretValues(args.input);
      for (const secret of secrets) inFlight.add(secret);
      try {
        const result = await next(args);
        debug?.(() => {
          const meta = (result.output as { $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number } }).$metadata;
          return `← ${key} ${meta?.httpStatusCode ?? ""} in ${Date.now() - started} ms, attempts ${meta?.attempts ?? 1}, request ${meta?.requestId ?? "-"}`;
        });
        return result;
      } catch (error) {
        debug?.(() => redactSecrets(`✗ ${key} after ${Date.now() - started} ms: ${(error as Error).name}: ${(error as Error).message}`, secrets));
        throw redactError(toAwsblogError(error, service, operation, env), secrets);
      } finally {
        for (const secret of secrets) inFlight.delete(secret);
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
