import {
  DescribeActivityCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { AwsClientFactory } from "./factory.js";
import { toAwsblogError } from "./errors.js";

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

/** One task handed to an activity worker; no task after a 60 s poll is `undefined`. */
export interface ActivityTask {
  taskToken: string;
  input: string;
}

/** The activity worker's calls: the long poll, and failing a task it could not deliver. */
export interface ActivityWorkerApi {
  /**
   * An ordinary (not long-polled) read of the activity: ActivityDoesNotExist for a wrong ARN,
   * and within the usual read limit a dead endpoint shows itself (a poll waits 60 s by design).
   */
  describeActivity(activityArn: string): Promise<void>;
  getActivityTask(activityArn: string, workerName: string): Promise<ActivityTask | undefined>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

/**
 * AWS holds GetActivityTask open for up to 60 s, so the factory gives it a longer read limit
 * (a shorter one would drop polls AWS may already have answered with a task, which is then
 * lost until the state's timeout). The poll is not abandoned on Ctrl-C for the same reason.
 */
export async function createActivityWorkerApi(aws: AwsClientFactory): Promise<ActivityWorkerApi> {
  const client = await aws.client(SFNClient);
  return {
    async describeActivity(activityArn) {
      await call("DescribeActivity", () => client.send(new DescribeActivityCommand({ activityArn })));
    },
    async getActivityTask(activityArn, workerName) {
      const out = await call("GetActivityTask", () => client.send(new GetActivityTaskCommand({ activityArn, workerName })));
      return out.taskToken ? { taskToken: out.taskToken, input: out.input ?? "{}" } : undefined;
    },
    async sendTaskFailure(taskToken, error, cause) {
      await call("SendTaskFailure", () => client.send(new SendTaskFailureCommand({ taskToken, error, cause })));
    },
  };
}

export interface StartedExecution {
  executionArn: string;
  startDate: Date;
}

export interface ExecutionStatus {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
  stopDate?: Date;
}

/**
 * One GetExecutionHistory event: the common fields, and `details` = the one
 * `<kind>EventDetails` member AWS set (its shape depends on `type`).
 */
export interface HistoryEventView {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  details?: Record<string, unknown>;
}

export interface HistoryPage {
  events: HistoryEventView[];
  nextToken?: string;
}

export interface ExecutionSummary {
  executionArn: string;
  status: string;
  startDate?: Date;
}

/** Starting and reading executions (`approval start [--wait]`, `approval tail`). */
export interface ExecutionsApi {
  startExecution(stateMachineArn: string, input: string, name?: string): Promise<StartedExecution>;
  describeExecution(executionArn: string): Promise<ExecutionStatus>;
  /** One page of the history; `reverse` reads newest first (following a run reads only its tail). */
  getExecutionHistory(executionArn: string, page: { nextToken?: string; maxResults: number; reverse?: boolean }): Promise<HistoryPage>;
  /** The newest executions of a state machine first (AWS lists them by start date, newest first). */
  listExecutions(stateMachineArn: string, maxResults: number): Promise<ExecutionSummary[]>;
}

export async function createExecutionsApi(aws: AwsClientFactory): Promise<ExecutionsApi> {
  const client = await aws.client(SFNClient);
  return {
    async startExecution(stateMachineArn, input, name) {
      const out = await call("StartExecution", () => client.send(new StartExecutionCommand({ stateMachineArn, input, name })));
      return { executionArn: out.executionArn ?? "", startDate: out.startDate ?? new Date() };
    },
    async describeExecution(executionArn) {
      const out = await call("DescribeExecution", () => client.send(new DescribeExecutionCommand({ executionArn })));
      return { status: out.status ?? "UNKNOWN", output: out.output, error: out.error, cause: out.cause, stopDate: out.stopDate };
    },
    async getExecutionHistory(executionArn, { nextToken, maxResults, reverse }) {
      const out = await call("GetExecutionHistory", () =>
        client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults, reverseOrder: reverse, includeExecutionData: true })),
      );
      const events = (out.events ?? []).map((event) => {
        const { id, previousEventId, timestamp, type, ...rest } = event as unknown as Record<string, unknown> & { id?: number; previousEventId?: number; timestamp?: Date; type?: string };
        const key = Object.keys(rest).find((k) => k.endsWith("EventDetails") && rest[k] !== undefined);
        return {
          id: id ?? 0,
          previousEventId: previousEventId ?? 0,
          timestamp: timestamp ?? new Date(0),
          type: type ?? "Unknown",
          details: key ? (rest[key] as Record<string, unknown>) : undefined,
        };
      });
      return { events, nextToken: out.nextToken || undefined };
    },
    async listExecutions(stateMachineArn, maxResults) {
      const out = await call("ListExecutions", () => client.send(new ListExecutionsCommand({ stateMachineArn, maxResults })));
      return (out.executions ?? []).map((e) => ({ executionArn: e.executionArn ?? "", status: e.status ?? "UNKNOWN", startDate: e.startDate }));
    },
  };
}

/**
 * The factory's middleware already converts SDK errors; converting again here is a no-op for
 * those and gives test doubles (aws-sdk-client-mock bypasses middleware) the same error shape.
 */
async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toAwsblogError(error, "StepFunctions", operation);
  }
}
