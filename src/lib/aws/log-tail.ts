import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { AwsClientFactory } from "./factory.js";

/** The CloudWatch Logs call a failed pipeline's explanation makes: the tail of one build's log stream. */
export interface LogTailApi {
  /** The last `lines` events of one stream, oldest first (one GetLogEvents from the end). */
  tailLogStream(logGroupName: string, logStreamName: string, lines: number, signal?: AbortSignal): Promise<string[]>;
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
