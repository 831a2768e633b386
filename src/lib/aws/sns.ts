import { GetTopicAttributesCommand, PublishBatchCommand, PublishCommand, SNSClient, type MessageAttributeValue } from "@aws-sdk/client-sns";
import type { AwsClientFactory } from "./factory.js";
import { outcome, type BatchOutcome, type MessageAttribute } from "./sqs.js";

/** The SNS calls awsblog makes, narrow so tests can hand in their own. */
export interface SnsApi {
  publish(topicArn: string, subject: string, message: string, signal?: AbortSignal): Promise<string | undefined>;
}

/** What `dlq redrive --to <topic-arn>` calls. */
export interface SnsTopicsApi {
  /** PublishBatch (≤ 10 entries), in the region the topic ARN names; per-entry outcome. */
  publishBatch(topicArn: string, entries: SnsBatchEntry[]): Promise<BatchOutcome>;
  /** GetTopicAttributes: throws NotFound / AuthorizationError when the topic is not usable. */
  topicAttributes(topicArn: string): Promise<Record<string, string>>;
}

export interface SnsBatchEntry {
  id: string;
  message: string;
  /** SQS message attributes; SNS knows String, String.Array, Number and Binary, so a custom suffix (`Number.int`) is dropped. */
  attributes: Record<string, MessageAttribute>;
  groupId?: string;
  deduplicationId?: string;
}

/** arn:aws:sns:<region>:<account>:<topic> → region. */
function topicRegion(topicArn: string): string | undefined {
  return /^arn:aws[a-z-]*:sns:([a-z0-9-]+):/.exec(topicArn)?.[1];
}

export async function createSnsApi(aws: AwsClientFactory): Promise<SnsApi> {
  const client = await aws.client(SNSClient);
  return {
    async publish(topicArn, subject, message, signal) {
      const res = await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }), {
        abortSignal: signal,
      });
      return res.MessageId;
    },
  };
}

/** Each topic is called in the region its ARN names (else the run's region). */
export async function createSnsTopicsApi(aws: AwsClientFactory): Promise<SnsTopicsApi> {
  const forTopic = (topicArn: string) => aws.client(SNSClient, { region: topicRegion(topicArn) });
  return {
    async publishBatch(topicArn, entries) {
      const out = await (await forTopic(topicArn)).send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: entries.map((e) => ({
            Id: e.id,
            Message: e.message,
            MessageAttributes: snsAttributes(e.attributes),
            MessageGroupId: e.groupId,
            MessageDeduplicationId: e.deduplicationId,
          })),
        }),
      );
      return outcome(entries, out.Successful, out.Failed);
    },
    async topicAttributes(topicArn) {
      const out = await (await forTopic(topicArn)).send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      return { ...(out.Attributes ?? {}) };
    },
  };
}

function snsAttributes(attrs: Record<string, MessageAttribute>): Record<string, MessageAttributeValue> | undefined {
  const entries = Object.entries(attrs);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([name, a]) => {
      const base = a.dataType.split(".")[0] ?? "String";
      const dataType = base === "String" && a.dataType.startsWith("String.Array") ? "String.Array" : base;
      return [name, { DataType: dataType, StringValue: a.stringValue, BinaryValue: a.binaryValue }];
    }),
  );
}
