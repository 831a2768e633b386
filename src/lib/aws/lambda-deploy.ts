import {
  CreateFunctionCommand,
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
  packageType?: string;
  codeSha256?: string;
  /** Pending, Active, Inactive or Failed. */
  state?: string;
  stateReason?: string;
  /** InProgress, Successful or Failed. */
  lastUpdateStatus?: string;
  lastUpdateStatusReason?: string;
}

export interface FunctionSettings {
  architecture?: "x86_64" | "arm64";
  runtime?: string;
  handler?: string;
  role?: string;
  memorySize?: number;
  timeout?: number;
}

export interface LambdaDeployApi {
  /** undefined when the function does not exist. */
  getFunction(name: string, signal?: AbortSignal): Promise<FunctionState | undefined>;
  createFunction(name: string, zip: Uint8Array, settings: Required<Pick<FunctionSettings, "runtime" | "handler" | "role">> & FunctionSettings, signal?: AbortSignal): Promise<FunctionState>;
  /** The architecture travels with the code: a binary for the other one would not start. */
  updateCode(name: string, zip: Uint8Array, architecture?: "x86_64" | "arm64", signal?: AbortSignal): Promise<FunctionState>;
  updateConfiguration(name: string, settings: FunctionSettings, signal?: AbortSignal): Promise<FunctionState>;
  /** The function's settings and a presigned URL of its deployed zip (GetFunction); undefined when it does not exist. */
  getCode(name: string, signal?: AbortSignal): Promise<(FunctionState & { codeLocation?: string }) | undefined>;
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
          Code: { ZipFile: zip },
          Runtime: settings.runtime as FunctionConfiguration["Runtime"],
          Handler: settings.handler,
          Role: settings.role,
          MemorySize: settings.memorySize,
          Timeout: settings.timeout,
          Architectures: settings.architecture ? [settings.architecture] : undefined,
        }),
        { abortSignal: signal },
      );
      return toState(out);
    },
    async updateCode(name, zip, architecture, signal) {
      const input = { FunctionName: name, ZipFile: zip, Architectures: architecture ? [architecture] : undefined };
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
        }),
        { abortSignal: signal },
      );
      return toState(out);
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
    packageType: out.PackageType,
    codeSha256: out.CodeSha256,
    state: out.State,
    stateReason: out.StateReason,
    lastUpdateStatus: out.LastUpdateStatus,
    lastUpdateStatusReason: out.LastUpdateStatusReason,
  };
}
