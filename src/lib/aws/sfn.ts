import {
  SFNClient,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
} from "@aws-sdk/client-sfn";
import type { AwsClientFactory } from "./factory.js";

/** The Step Functions calls awsblog makes, narrow so tests can hand in their own. */
export interface StepFunctionsApi {
  sendTaskSuccess(taskToken: string, output: string, signal?: AbortSignal): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string, signal?: AbortSignal): Promise<void>;
  sendTaskHeartbeat(taskToken: string, signal?: AbortSignal): Promise<void>;
}

export async function createStepFunctionsApi(aws: AwsClientFactory): Promise<StepFunctionsApi> {
  const client = await aws.client(SFNClient);
  return {
    async sendTaskSuccess(taskToken, output, signal) {
      await client.send(new SendTaskSuccessCommand({ taskToken, output }), { abortSignal: signal });
    },
    async sendTaskFailure(taskToken, error, cause, signal) {
      await client.send(new SendTaskFailureCommand({ taskToken, error, cause }), { abortSignal: signal });
    },
    async sendTaskHeartbeat(taskToken, signal) {
      await client.send(new SendTaskHeartbeatCommand({ taskToken }), { abortSignal: signal });
    },
  };
}
