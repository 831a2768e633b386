import { describe, expect, it } from "vitest";
import type { QueueMessage } from "../../../src/lib/aws/sqs.js";
import { chunkForBatch, isFifoQueueUrl, messageSize, outgoingFrom, redriveDeduplicationId } from "../../../src/lib/dlq/send-entries.js";

const message = (over: Partial<QueueMessage> = {}): QueueMessage => ({
  messageId: "m-1",
  receiptHandle: "h",
  body: "{}",
  attributes: {},
  messageAttributes: { RequestID: { dataType: "String", stringValue: "r" }, Blob: { dataType: "Binary.gz", binaryValue: Uint8Array.from([1, 2]) } },
  ...over,
});

describe("outgoingFrom", () => {
  it("keeps body, attributes and trace header; no FIFO ids for a standard target", () => {
    const out = outgoingFrom(message({ attributes: { AWSTraceHeader: "Root=1-abc", MessageGroupId: "g" } }), "m0", false);
    expect(out).toEqual({
      id: "m0",
      body: "{}",
      messageAttributes: { RequestID: { dataType: "String", stringValue: "r" }, Blob: { dataType: "Binary.gz", binaryValue: Uint8Array.from([1, 2]) } },
      traceHeader: "Root=1-abc",
    });
  });

  it("carries group and deduplication ids to a FIFO target, deriving them from the message id when the source had none", () => {
    const fifo = outgoingFrom(message({ attributes: { MessageGroupId: "g", MessageDeduplicationId: "d" } }), "m0", true);
    expect(fifo.groupId).toBe("g");
    // Derived from the DLQ message id (stable across runs), never the original id "d".
    expect(fifo.deduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(fifo.deduplicationId).toBe(redriveDeduplicationId({ messageId: "m-1" }));
    expect(redriveDeduplicationId({ messageId: "m-2" })).not.toBe(fifo.deduplicationId);
    const fromStandard = outgoingFrom(message(), "m0", true);
    expect([fromStandard.groupId, fromStandard.deduplicationId]).toEqual(["m-1", redriveDeduplicationId({ messageId: "m-1" })]);
  });

  it("recognises FIFO queue URLs", () => {
    expect(isFifoQueueUrl("https://sqs.us-east-1.amazonaws.com/1/orders.fifo")).toBe(true);
    expect(isFifoQueueUrl("https://sqs.us-east-1.amazonaws.com/1/fifo-orders")).toBe(false);
  });
});

describe("chunkForBatch", () => {
  it("splits at 10 entries and at the byte limit, counting attribute names, types and values", () => {
    expect(messageSize(message())).toBe(2 + "RequestID".length + "String".length + 1 + "Blob".length + "Binary.gz".length + 2);
    const small = Array.from({ length: 23 }, () => message());
    expect(chunkForBatch(small).map((c) => c.length)).toEqual([10, 10, 3]);
    const big = Array.from({ length: 5 }, () => message({ body: "x".repeat(100 * 1024), messageAttributes: {} }));
    expect(chunkForBatch(big).map((c) => c.length)).toEqual([2, 2, 1]);
    const huge = [message({ body: "x".repeat(300 * 1024), messageAttributes: {} }), message()];
    expect(chunkForBatch(huge).map((c) => c.length)).toEqual([1, 1]);
  });
});
