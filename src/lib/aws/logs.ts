import { CloudWatchLogsClient, FilterLogEventsCommand, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { AwsClientFactory } from "./factory.js";

/** The CloudWatch Logs calls: one page of FilterLogEvents (`dlq inspect --logs`), the tail of one stream (a failed build's log). */
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

export interface LogTailApi {
  /** The last `lines` events of one stream, oldest first (one GetLogEvents from the end). */
  tailLogStream(logGroupName: string, logStreamName: string, lines: number, signal?: AbortSignal): Promise<string[]>;
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

export async function createLogTailApi(aws: AwsClientFactory): Promise<LogTailApi> {
  const client = await aws.client(CloudWatchLogsClient);
  return {
    async tailLogStream(logGroupName, logStreamName, lines, signal) {
      const out = await client.send(new GetLogEventsCommand({ logGroupName, logStreamName, limit: lines, startFromHead: false }), { abortSignal: signal });
      return (out.events ?? []).map((e) => e.message ?? "");
    },
  };
}
