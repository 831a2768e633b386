import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import type { AwsClientFactory } from "./factory.js";

/**
 * The Lambda calls the DLQ commands make: asynchronous Invoke (redrive --invoke) and the
 * function's DeadLetterConfig (configure). Deployment lives in lambda-deploy.ts.
 */
export interface FunctionDlqState {
  functionArn: string;
  /** The configured dead-letter target, or undefined when none is set. */
  targetArn?: string;
  /** Lambda's LastUpdateStatus: Successful, InProgress or Failed. */
  lastUpdateStatus?: string;
  lastUpdateStatusReason?: string;
}

export interface LambdaApi {
  /** InvocationType Event: Lambda queues the event and answers 202; the function runs later. */
  invokeAsync(functionName: string, payload: string): Promise<void>;
  getDeadLetterConfig(functionName: string): Promise<FunctionDlqState>;
  /** An empty targetArn removes the dead-letter queue. */
  setDeadLetterConfig(functionName: string, targetArn: string): Promise<FunctionDlqState>;
}

export async function createLambdaApi(aws: AwsClientFactory): Promise<LambdaApi> {
  const client = await aws.client(LambdaClient);
  const encoder = new TextEncoder();
  return {
    async invokeAsync(functionName, payload) {
      const out = await client.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: "Event", Payload: encoder.encode(payload) }),
      );
      if (out.StatusCode !== 202) throw new Error(`Lambda answered ${out.StatusCode ?? "no status"} instead of 202 Accepted`);
    },
    async getDeadLetterConfig(functionName) {
      const out = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
      return state(out);
    },
    async setDeadLetterConfig(functionName, targetArn) {
      const out = await client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: functionName, DeadLetterConfig: { TargetArn: targetArn } }),
      );
      return state(out);
    },
  };
}

type ConfigOutput = {
  FunctionArn?: string;
  DeadLetterConfig?: { TargetArn?: string };
  LastUpdateStatus?: string;
  LastUpdateStatusReason?: string;
};

function state(out: ConfigOutput): FunctionDlqState {
  return {
    functionArn: out.FunctionArn ?? "",
    targetArn: out.DeadLetterConfig?.TargetArn || undefined,
    lastUpdateStatus: out.LastUpdateStatus,
    lastUpdateStatusReason: out.LastUpdateStatusReason,
  };
}
