import { createHash } from "node:crypto";
import type { MessageAttribute, OutgoingMessage, QueueMessage } from "../aws/sqs.js";

/**
 * What a redriven message carries: the body byte for byte, every message attribute with its
 * exact data type (String, Number, Binary, custom `Number.int`…), the X-Ray trace header, and
 * for FIFO targets the message group and a deduplication id derived from the DLQ message.
 */
export function outgoingFrom(message: QueueMessage, id: string, targetIsFifo: boolean): OutgoingMessage {
  const out: OutgoingMessage = { id, body: message.body, messageAttributes: { ...message.messageAttributes } };
  const trace = message.attributes.AWSTraceHeader;
  if (trace) out.traceHeader = trace;
  if (targetIsFifo) {
    // A standard source has no group: keep per-message order-free delivery by grouping on its id.
    out.groupId = message.attributes.MessageGroupId ?? message.messageId;
    out.deduplicationId = redriveDeduplicationId(message);
  }
  return out;
}

/**
 * The deduplication id of a redriven message: a hash of its DLQ message id, the same on every
 * run. A batch re-sent after a crash or kill (sent, not yet deleted) is dropped by the FIFO
 * target as a duplicate within its 5-minute window. Not the original deduplication id: two
 * messages in one DLQ may share that (sent more than 5 minutes apart) and the second would be
 * dropped — and then deleted from the DLQ as "sent".
 */
export function redriveDeduplicationId(message: Pick<QueueMessage, "messageId">): string {
  return createHash("sha256").update(`awsblog-redrive\n${message.messageId}`).digest("hex");
}

export function isFifoQueueUrl(url: string): boolean {
  return /\.fifo\/?$/.test(url);
}

/** SendMessageBatch takes at most 10 entries and 256 KiB in total (the older, stricter limit). */
export const BATCH_LIMITS = { entries: 10, bytes: 256 * 1024 } as const;

export function messageSize(message: { body: string; messageAttributes: Record<string, MessageAttribute> }): number {
  let size = Buffer.byteLength(message.body, "utf8");
  for (const [name, attr] of Object.entries(message.messageAttributes)) {
    size += Buffer.byteLength(name, "utf8") + Buffer.byteLength(attr.dataType, "utf8");
    if (attr.stringValue !== undefined) size += Buffer.byteLength(attr.stringValue, "utf8");
    if (attr.binaryValue !== undefined) size += attr.binaryValue.byteLength;
  }
  return size;
}

/**
 * Splits messages into SendMessageBatch calls under both limits. A message larger than the
 * byte limit on its own still gets its own call (SQS decides; the queue accepted it once).
 */
export function chunkForBatch<T extends { body: string; messageAttributes: Record<string, MessageAttribute> }>(
  items: T[],
  limits: { entries: number; bytes: number } = BATCH_LIMITS,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = messageSize(item);
    if (current.length > 0 && (current.length >= limits.entries || bytes + size > limits.bytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Plain chunks of at most n (ChangeMessageVisibilityBatch, DeleteMessageBatch). */
export function chunk<T>(items: T[], n = 10): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}
