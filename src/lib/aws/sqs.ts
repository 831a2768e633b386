import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type MessageAttributeValue,
  type QueueAttributeName,
} from "@aws-sdk/client-sqs";
import type { AwsClientFactory } from "./factory.js";
import { locateQueue } from "./queue-url.js";

/**
 * The SQS calls the DLQ commands make, in awsblog's own types so nothing outside this file
 * depends on the SDK. Batch calls report per entry: anything SQS did not list as successful
 * counts as failed, so a caller can never mistake "not reported" for "done".
 */
export interface MessageAttribute {
  /** `String`, `Number`, `Binary`, or a custom type such as `Number.int` — kept verbatim. */
  dataType: string;
  stringValue?: string;
  binaryValue?: Uint8Array;
}

export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** System attributes: SentTimestamp, ApproximateReceiveCount, MessageGroupId, … */
  attributes: Record<string, string>;
  messageAttributes: Record<string, MessageAttribute>;
}

export interface OutgoingMessage {
  /** Batch entry id, unique within one call. */
  id: string;
  body: string;
  messageAttributes: Record<string, MessageAttribute>;
  groupId?: string;
  deduplicationId?: string;
  /** X-Ray trace header, the one system attribute SQS lets a sender set. */
  traceHeader?: string;
}

export interface EntryFailure {
  id: string;
  code: string;
  message: string;
  /** True when the request itself was wrong (retrying the same entry cannot help). */
  senderFault: boolean;
}

export interface BatchOutcome {
  succeeded: string[];
  failed: EntryFailure[];
}

export interface ReceiveOptions {
  maxMessages: number;
  visibilityTimeout: number;
  waitTimeSeconds: number;
  /**
   * Abandons the long poll (`dlq tail` on Ctrl-C). Messages SQS handed out just then stay
   * hidden until `visibilityTimeout` ends; nothing is lost. Redrive and inspect never pass one.
   */
  signal?: AbortSignal;
}

export interface SqsApi {
  getQueueAttributes(queueUrl: string, names: string[]): Promise<Record<string, string>>;
  receive(queueUrl: string, options: ReceiveOptions): Promise<QueueMessage[]>;
  /** Deletes every message in the queue (PurgeQueue: once per 60 s per queue; takes up to 60 s). */
  purge(queueUrl: string): Promise<void>;
  changeVisibilityBatch(
    queueUrl: string,
    entries: { id: string; receiptHandle: string; visibilityTimeout: number }[],
  ): Promise<BatchOutcome>;
  sendBatch(queueUrl: string, entries: OutgoingMessage[]): Promise<BatchOutcome>;
  deleteBatch(queueUrl: string, entries: { id: string; receiptHandle: string }[]): Promise<BatchOutcome>;
}

export async function createSqsApi(aws: AwsClientFactory): Promise<SqsApi> {
  /**
   * Each queue is called in the region its URL names (the factory builds one client per
   * region), whatever --region says: a queue lives in one region only. Legacy hosts are sent
   * in the current form, so the SDK never warns that the URL differs from its endpoint.
   */
  async function forQueue(queueUrl: string): Promise<{ client: SQSClient; QueueUrl: string }> {
    const { region, url } = locateQueue(queueUrl);
    return { client: await aws.client(SQSClient, { region }), QueueUrl: url };
  }
  return {
    async getQueueAttributes(queueUrl, names) {
      const { client, QueueUrl } = await forQueue(queueUrl);
      const out = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: names as QueueAttributeName[] }));
      return { ...(out.Attributes ?? {}) };
    },
    async receive(queueUrl, options) {
      const { client, QueueUrl } = await forQueue(queueUrl);
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: options.maxMessages,
          VisibilityTimeout: options.visibilityTimeout,
          WaitTimeSeconds: options.waitTimeSeconds,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      return (out.Messages ?? []).map((m) => ({
        messageId: m.MessageId ?? "",
        receiptHandle: m.ReceiptHandle ?? "",
        body: m.Body ?? "",
        attributes: { ...(m.Attributes ?? {}) } as Record<string, string>,
        messageAttributes: fromSdkAttributes(m.MessageAttributes),
      }));
    },
    async purge(queueUrl) {
      const { client, QueueUrl } = await forQueue(queueUrl);
      await client.send(new PurgeQueueCommand({ QueueUrl }));
    },
    async changeVisibilityBatch(queueUrl, entries) {
      const { client, QueueUrl } = await forQueue(queueUrl);
      const out = await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: entries.map((e) => ({ Id: e.id, ReceiptHandle: e.receiptHandle, VisibilityTimeout: e.visibilityTimeout })),
        }),
      );
      return outcome(entries, out.Successful, out.Failed);
    },
    async sendBatch(queueUrl, entries) {
      const { client, QueueUrl } = await forQueue(queueUrl);
      const out = await client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: entries.map((e) => ({
            Id: e.id,
            MessageBody: e.body,
            MessageAttributes: toSdkAttributes(e.messageAttributes),
            MessageGroupId: e.groupId,
            MessageDeduplicationId: e.deduplicationId,
            MessageSystemAttributes: e.traceHeader
              ? { AWSTraceHeader: { DataType: "String", StringValue: e.traceHeader } }
              : undefined,
          })),
        }),
      );
      return outcome(entries, out.Successful, out.Failed);
    },
    async deleteBatch(queueUrl, entries) {
      const { client, QueueUrl } = await forQueue(queueUrl);
      const out = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: entries.map((e) => ({ Id: e.id, ReceiptHandle: e.receiptHandle })),
        }),
      );
      return outcome(entries, out.Successful, out.Failed);
    },
  };
}

type SdkFailure = { Id?: string; Code?: string; Message?: string; SenderFault?: boolean };

/** Per-entry outcome of a batch call (SQS and SNS PublishBatch answer alike): unreported = failed. */
export function outcome(entries: { id: string }[], successful: { Id?: string }[] | undefined, failed: SdkFailure[] | undefined): BatchOutcome {
  const ok = new Set((successful ?? []).map((s) => s.Id ?? ""));
  const reported = new Map((failed ?? []).map((f) => [f.Id ?? "", f]));
  const result: BatchOutcome = { succeeded: [], failed: [] };
  for (const { id } of entries) {
    if (ok.has(id)) {
      result.succeeded.push(id);
      continue;
    }
    const f = reported.get(id);
    result.failed.push({
      id,
      code: f?.Code ?? "NotReported",
      message: f?.Message ?? "AWS listed this entry neither as successful nor as failed",
      senderFault: f?.SenderFault ?? false,
    });
  }
  return result;
}

function fromSdkAttributes(attrs: Record<string, MessageAttributeValue> | undefined): Record<string, MessageAttribute> {
  const result: Record<string, MessageAttribute> = {};
  for (const [name, value] of Object.entries(attrs ?? {})) {
    const attr: MessageAttribute = { dataType: value.DataType ?? "String" };
    if (value.StringValue !== undefined) attr.stringValue = value.StringValue;
    if (value.BinaryValue !== undefined) attr.binaryValue = value.BinaryValue;
    result[name] = attr;
  }
  return result;
}

function toSdkAttributes(attrs: Record<string, MessageAttribute>): Record<string, MessageAttributeValue> | undefined {
  const entries = Object.entries(attrs);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([name, a]) => [name, { DataType: a.dataType, StringValue: a.stringValue, BinaryValue: a.binaryValue }]),
  );
}
