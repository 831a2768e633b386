import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, expect, it } from "vitest";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { createSnsTopicsApi } from "../../../src/lib/aws/sns.js";
import type { QueueMessage } from "../../../src/lib/aws/sqs.js";
import { redriveDeduplicationId } from "../../../src/lib/dlq/send-entries.js";
import { topicTarget } from "../../../src/lib/dlq/targets.js";

const sns = mockClient(SNSClient);
afterAll(() => sns.restore());

const message = (n: number): QueueMessage => ({
  messageId: `id-${n}`,
  receiptHandle: `h-${n}`,
  body: `{"n":${n}}`,
  attributes: { MessageGroupId: "tenant-1" },
  messageAttributes: {
    RequestID: { dataType: "String", stringValue: `req-${n}` },
    Size: { dataType: "Number.int", stringValue: "7" },
    Thumb: { dataType: "Binary.png", binaryValue: Uint8Array.from([0, 255]) },
    Tags: { dataType: "String.Array", stringValue: '["a","b"]' },
  },
});

// moto's SNS→SQS delivery cannot carry Binary attributes; the request itself is checked here.
it("PublishBatch: ≤ 10 entries per call, body as Message, attribute types SNS accepts, FIFO group and derived dedup id", async () => {
  sns.reset();
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
    Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id, MessageId: "x" })),
    Failed: [],
  }));
  const api = await createSnsTopicsApi(createAwsClientFactory({ region: "eu-west-1", userAgent: { name: "awsblog", version: "test" }, env: { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" } }));
  const topic = "arn:aws:sns:eu-west-1:123456789012:replay.fifo";
  const delivery = await topicTarget(api, topic).deliver(Array.from({ length: 12 }, (_, n) => message(n)));
  expect(delivery.delivered).toHaveLength(12);
  const calls = sns.commandCalls(PublishBatchCommand).map((c) => c.args[0].input);
  expect(calls.map((c) => c.PublishBatchRequestEntries!.length)).toEqual([10, 2]);
  const first = calls[0]!.PublishBatchRequestEntries![0]!;
  expect(calls[0]!.TopicArn).toBe(topic);
  expect(first.Message).toBe('{"n":0}');
  expect(first.MessageGroupId).toBe("tenant-1");
  expect(first.MessageDeduplicationId).toBe(redriveDeduplicationId({ messageId: "id-0" }));
  expect(first.MessageAttributes).toEqual({
    RequestID: { DataType: "String", StringValue: "req-0" },
    Size: { DataType: "Number", StringValue: "7" },
    Thumb: { DataType: "Binary", BinaryValue: Uint8Array.from([0, 255]) },
    Tags: { DataType: "String.Array", StringValue: '["a","b"]' },
  });
});
