import type { Client, HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, MetadataBearer } from "@smithy/types";
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
}

export function createAwsClientFactory(settings: AwsSettings): AwsClientFactory {
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
    instrument(instance, calls, settings.debug);
    clients.set(key, instance);
    return instance;
  }

  return { client, calls };
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

function instrument(client: AnyClient, calls: Map<string, number>, debug: AwsSettings["debug"]): void {
  client.middlewareStack.add(
    (next: InitializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<object>) => {
      const service = serviceName(String(context.clientName ?? ""));
      const operation = String(context.commandName ?? "").replace(/Command$/, "");
      const key = `${service}.${operation}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
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
  CognitoIdentityClient: "CognitoIdentity",
  CodePipelineClient: "CodePipeline",
  CloudFormationClient: "CloudFormation",
};

function serviceName(clientName: string): string {
  return SERVICE_NAMES[clientName] ?? clientName.replace(/Client$/, "");
}
