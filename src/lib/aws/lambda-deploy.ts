import {
  CreateFunctionCommand,
  GetLayerVersionCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from "@aws-sdk/client-lambda";
import { AwsError } from "../errors.js";
import type { AwsClientFactory } from "./factory.js";

/** The Lambda calls `awsblog deploy` makes, narrow so tests can hand in their own. */
export interface FunctionState {
  functionName: string;
  functionArn: string;
  runtime?: string;
  handler?: string;
  role?: string;
  memorySize?: number;
  timeout?: number;
  /** x86_64 or arm64 (Lambda reports one). */
  architecture?: string;
  /** Layer version ARNs the function uses. */
  layers?: string[];
  packageType?: string;
  codeSha256?: string;
  /** Pending, Active, Inactive or Failed. */
  state?: string;
  stateReason?: string;
  /** InProgress, Successful or Failed. */
  lastUpdateStatus?: string;
  lastUpdateStatusReason?: string;
}

/** Where Lambda takes code from: the zip's bytes (up to 50 MB), or an S3 object. */
export type CodeSource = Uint8Array | { s3Bucket: string; s3Key: string; s3ObjectVersion?: string };

/** A published layer version. */
export interface LayerVersion {
  layerVersionArn: string;
  version: number;
  /** Base64 SHA-256 of the layer's zip (GetLayerVersion / PublishLayerVersion). */
  codeSha256?: string;
  codeSize?: number;
}

export interface FunctionSettings {
  architecture?: "x86_64" | "arm64";
  /** Layer version ARNs, in order (replaces the function's list). */
  layers?: string[];
  runtime?: string;
  handler?: string;
  role?: string;
  memorySize?: number;
  timeout?: number;
}

export interface LambdaDeployApi {
  /** undefined when the function does not exist. */
  getFunction(name: string, signal?: AbortSignal): Promise<FunctionState | undefined>;
  createFunction(name: string, zip: CodeSource, settings: Required<Pick<FunctionSettings, "runtime" | "handler" | "role">> & FunctionSettings, signal?: AbortSignal): Promise<FunctionState>;
  /** The architecture travels with the code: a binary for the other one would not start. */
  updateCode(name: string, zip: CodeSource, architecture?: "x86_64" | "arm64", signal?: AbortSignal): Promise<FunctionState>;
  updateConfiguration(name: string, settings: FunctionSettings, signal?: AbortSignal): Promise<FunctionState>;
  /** The function's settings and a presigned URL of its deployed zip (GetFunction); undefined when it does not exist. */
  getCode(name: string, signal?: AbortSignal): Promise<(FunctionState & { codeLocation?: string }) | undefined>;
  /** The newest version of a layer (ListLayerVersions, then GetLayerVersion for its checksum); undefined when it has none. */
  latestLayerVersion(name: string, signal?: AbortSignal): Promise<LayerVersion | undefined>;
  publishLayerVersion(name: string, content: CodeSource, settings: { description: string; runtimes: string[]; architectures: string[] }, signal?: AbortSignal): Promise<LayerVersion>;
}

function code(source: CodeSource): { ZipFile: Uint8Array } | { S3Bucket: string; S3Key: string; S3ObjectVersion?: string } {
  if (source instanceof Uint8Array) return { ZipFile: source };
  return { S3Bucket: source.s3Bucket, S3Key: source.s3Key, S3ObjectVersion: source.s3ObjectVersion };
}

export async function createLambdaDeployApi(aws: AwsClientFactory): Promise<LambdaDeployApi> {
  // Uploads of up to 50 MB get a longer read limit from the factory (slow links).
  const client = await aws.client(LambdaClient);
  return {
    async getFunction(name, signal) {
      try {
        return toState(await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }), { abortSignal: signal }));
      } catch (error) {
        if (error instanceof AwsError && error.code === "ResourceNotFoundException") return undefined;
        throw error;
      }
    },
    async createFunction(name, zip, settings, signal) {
      const out = await client.send(
        new CreateFunctionCommand({
          FunctionName: name,
          PackageType: "Zip",
          Code: code(zip),
          Runtime: settings.runtime as FunctionConfiguration["Runtime"],
          Handler: settings.handler,
          Role: settings.role,
          MemorySize: settings.memorySize,
          Timeout: settings.timeout,
          Architectures: settings.architecture ? [settings.architecture] : undefined,
          Layers: settings.layers,
        }),
        { abortSignal: signal },
      );
      return toState(out);
    },
    async updateCode(name, zip, architecture, signal) {
      const input = { FunctionName: name, ...code(zip), Architectures: architecture ? [architecture] : undefined };
      return toState(await client.send(new UpdateFunctionCodeCommand(input), { abortSignal: signal }));
    },
    async getCode(name, signal) {
      try {
        const out = await client.send(new GetFunctionCommand({ FunctionName: name }), { abortSignal: signal });
        return { ...toState(out.Configuration ?? {}), codeLocation: out.Code?.Location };
      } catch (error) {
        if (error instanceof AwsError && error.code === "ResourceNotFoundException") return undefined;
        throw error;
      }
    },
    async updateConfiguration(name, settings, signal) {
      const out = await client.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: name,
          Runtime: settings.runtime as FunctionConfiguration["Runtime"],
          Handler: settings.handler,
          Role: settings.role,
          MemorySize: settings.memorySize,
          Timeout: settings.timeout,
          Layers: settings.layers,
        }),
        { abortSignal: signal },
      );
      return toState(out);
    },
    async latestLayerVersion(name, signal) {
      let latest: { arn: string; version: number } | undefined;
      try {
        // Newest first; one page holds the newest (a layer may have thousands of versions).
        const out = await client.send(new ListLayerVersionsCommand({ LayerName: name, MaxItems: 1 }), { abortSignal: signal });
        const first = out.LayerVersions?.[0];
        if (first?.LayerVersionArn && first.Version !== undefined) latest = { arn: first.LayerVersionArn, version: first.Version };
      } catch (error) {
        if (error instanceof AwsError && error.code === "ResourceNotFoundException") return undefined;
        throw error;
      }
      if (!latest) return undefined;
      const out = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: latest.version }), { abortSignal: signal });
      return { layerVersionArn: out.LayerVersionArn ?? latest.arn, version: latest.version, codeSha256: out.Content?.CodeSha256, codeSize: out.Content?.CodeSize };
    },
    async publishLayerVersion(name, content, settings, signal) {
      const out = await client.send(
        new PublishLayerVersionCommand({
          LayerName: name,
          Description: settings.description,
          Content: code(content),
          CompatibleRuntimes: settings.runtimes as NonNullable<FunctionConfiguration["Runtime"]>[],
          CompatibleArchitectures: settings.architectures as ("x86_64" | "arm64")[],
        }),
        { abortSignal: signal },
      );
      return { layerVersionArn: out.LayerVersionArn ?? "", version: out.Version ?? 0, codeSha256: out.Content?.CodeSha256, codeSize: out.Content?.CodeSize };
    },
  };
}

function toState(out: FunctionConfiguration): FunctionState {
  return {
    functionName: out.FunctionName ?? "",
    functionArn: out.FunctionArn ?? "",
    runtime: out.Runtime,
    handler: out.Handler,
    role: out.Role,
    memorySize: out.MemorySize,
    timeout: out.Timeout,
    architecture: out.Architectures?.[0],
    layers: out.Layers?.map((l) => l.Arn ?? "").filter(Boolean),
    packageType: out.PackageType,
    codeSha256: out.CodeSha256,
    state: out.State,
    stateReason: out.StateReason,
    lastUpdateStatus: out.LastUpdateStatus,
    lastUpdateStatusReason: out.LastUpdateStatusReason,
  };
}
