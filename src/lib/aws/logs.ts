import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { AwsClientFactory } from "./factory.js";

/** The CloudWatch Logs call `dlq inspect --logs` makes: one page of FilterLogEvents. */
export interface LogEvent {
  timestamp: number;
  message: string;
  logStreamName: string;
}

export interface FilterPageInput {
  logGroupName: string;
  startTime: number;
  endTime: number;
  filterPattern?: string;
  nextToken?: string;
}

export interface LogsApi {
  filterLogEventsPage(input: FilterPageInput, signal?: AbortSignal): Promise<{ events: LogEvent[]; nextToken?: string }>;
}

export async function createLogsApi(aws: AwsClientFactory): Promise<LogsApi> {
  const client = await aws.client(CloudWatchLogsClient);
  return {
    async filterLogEventsPage(input, signal) {
      const out = await client.send(
        new FilterLogEventsCommand({
          logGroupName: input.logGroupName,
          startTime: input.startTime,
          endTime: input.endTime,
          filterPattern: input.filterPattern,
          nextToken: input.nextToken,
        }),
        { abortSignal: signal },
      );
      return {
        events: (out.events ?? []).map((e) => ({
          timestamp: e.timestamp ?? 0,
          message: e.message ?? "",
          logStreamName: e.logStreamName ?? "",
        })),
        nextToken: out.nextToken || undefined,
      };
    },
  };
}
