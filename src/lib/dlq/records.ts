import type { QueueMessage } from "../aws/sqs.js";
import { classifyFailure, type FailureClass } from "./classify.js";

/**
 * One failed Lambda invocation as awsblog reports it (contract §5), whatever carried it:
 * an SQS dead-letter message, an SNS notification, or an on-failure destination record.
 */
export type RecordSource = "sqs" | "sns" | "destination";

export interface DlqRecord {
  /** SQS or SNS message id; null for a destination record read from a file. */
  messageId: string | null;
  requestId: string | null;
  errorCode: string | null;
  /** Lambda sends the first 1 KB of the error message. */
  errorMessage: string | null;
  errorType?: string;
  /** The original event: parsed JSON when it is JSON, else the raw text. */
  body: unknown;
  sentAt: string | null;
  /** SQS ApproximateReceiveCount as SQS reported it (a queue read counts as one receive). */
  receiveCount: number | null;
  source: RecordSource;
}

export interface InspectedMessage {
  messageId: string | null;
  requestId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  class: FailureClass;
  timeoutSeconds?: number;
  body: unknown;
  sentAt: string | null;
  receiveCount: number | null;
  logs?: string[];
  source: RecordSource;
}

export function inspectRecord(record: DlqRecord): InspectedMessage {
  const c = classifyFailure({
    errorMessage: record.errorMessage ?? undefined,
    errorCode: record.errorCode ?? undefined,
    errorType: record.errorType,
  });
  return {
    messageId: record.messageId,
    requestId: record.requestId,
    errorCode: record.errorCode,
    errorMessage: record.errorMessage,
    class: c.class,
    ...(c.timeoutSeconds !== undefined ? { timeoutSeconds: c.timeoutSeconds } : {}),
    body: record.body,
    sentAt: record.sentAt,
    receiveCount: record.receiveCount,
    source: record.source,
  };
}

/** JSON when it parses, the text itself otherwise (DLQ bodies are usually the event JSON). */
export function parseBody(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return text;
  }
  // Printing (JSON.stringify) recurses: a body nested absurdly deep stays text.
  return nestedDeeperThan(parsed, MAX_NESTING) ? text : parsed;
}

/** No real event nests this deep; past it, recursive code (printing, walking) could overflow the stack. */
export const MAX_NESTING = 256;

/** True when arrays/objects in `value` nest more than `limit` levels; walks without recursion. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== "object" || current === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** SQS message in any casing (SDK/CLI PascalCase, Lambda SQS event camelCase), attributes included. */
export interface SqsLike {
  messageId: string;
  body: string;
  /** Attribute name → string value (Lambda's attributes are all strings). */
  messageAttributes: Record<string, string | undefined>;
  systemAttributes: Record<string, string | undefined>;
}

export function recordFromSqs(message: SqsLike): DlqRecord {
  const attr = caseInsensitive(message.messageAttributes);
  const sentMs = Number(message.systemAttributes.SentTimestamp);
  const received = Number(message.systemAttributes.ApproximateReceiveCount);
  const base = {
    messageId: message.messageId,
    sentAt: Number.isFinite(sentMs) && sentMs > 0 ? new Date(sentMs).toISOString() : null,
    receiveCount: Number.isFinite(received) && message.systemAttributes.ApproximateReceiveCount !== undefined ? received : null,
  };
  const requestId = attr("RequestID") ?? attr("RequestId");
  if (requestId === undefined) {
    // Not Lambda's own DLQ format: maybe an on-failure destination or an SNS envelope delivered to SQS.
    const inner = parseBody(message.body);
    if (isDestinationRecord(inner)) return { ...recordFromDestination(inner as Json), ...base, source: "sqs" };
    if (isSnsNotification(inner)) return { ...recordFromSns(inner as Json), ...base, source: "sqs" };
  }
  return {
    ...base,
    requestId: requestId ?? null,
    errorCode: attr("ErrorCode") ?? null,
    errorMessage: attr("ErrorMessage") ?? null,
    body: parseBody(message.body),
    source: "sqs",
  };
}

/** A message as the SQS API returned it (queue mode and redrive). */
export function recordFromQueueMessage(message: QueueMessage): DlqRecord {
  return recordFromSqs({
    messageId: message.messageId,
    body: message.body,
    messageAttributes: Object.fromEntries(Object.entries(message.messageAttributes).map(([k, v]) => [k, v.stringValue])),
    systemAttributes: message.attributes,
  });
}

type Json = Record<string, unknown>;

export function isSnsNotification(doc: unknown): boolean {
  return isObject(doc) && typeof doc.Message === "string" && (doc.Type === "Notification" || typeof doc.TopicArn === "string");
}

/** An SNS notification or a Lambda SNS event's `Sns` object (attributes are `{Type, Value}`). */
export function recordFromSns(sns: Json): DlqRecord {
  const raw = isObject(sns.MessageAttributes) ? sns.MessageAttributes : {};
  const values: Record<string, string | undefined> = {};
  for (const [name, v] of Object.entries(raw)) values[name] = isObject(v) ? stringOf(v.Value ?? v.StringValue) : undefined;
  const attr = caseInsensitive(values);
  const sent = typeof sns.Timestamp === "string" ? new Date(sns.Timestamp) : undefined;
  return {
    messageId: stringOf(sns.MessageId) ?? null,
    requestId: attr("RequestID") ?? attr("RequestId") ?? null,
    errorCode: attr("ErrorCode") ?? null,
    errorMessage: attr("ErrorMessage") ?? null,
    body: parseBody(String(sns.Message)),
    sentAt: sent && !Number.isNaN(sent.getTime()) ? sent.toISOString() : null,
    receiveCount: null,
    source: "sns",
  };
}

export function isDestinationRecord(doc: unknown): boolean {
  return isObject(doc) && isObject(doc.requestContext) && ("responsePayload" in doc || "responseContext" in doc);
}

/** A Lambda on-failure destination record: the error is in responsePayload. */
export function recordFromDestination(doc: Json): DlqRecord {
  const context = doc.requestContext as Json;
  const response = isObject(doc.responseContext) ? doc.responseContext : {};
  const payload = doc.responsePayload;
  let errorMessage: string | undefined;
  let errorType: string | undefined;
  if (isObject(payload)) {
    errorMessage = stringOf(payload.errorMessage);
    errorType = stringOf(payload.errorType);
  } else if (typeof payload === "string" && response.functionError) {
    errorMessage = payload;
  }
  const sent = typeof doc.timestamp === "string" ? new Date(doc.timestamp) : undefined;
  return {
    messageId: null,
    requestId: stringOf(context.requestId) ?? null,
    errorCode: response.statusCode === undefined ? null : String(response.statusCode),
    errorMessage: errorMessage ?? null,
    ...(errorType ? { errorType } : {}),
    body: doc.requestPayload ?? null,
    sentAt: sent && !Number.isNaN(sent.getTime()) ? sent.toISOString() : null,
    receiveCount: null,
    source: "destination",
  };
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Lambda writes `RequestID`; hand-made and older tooling sometimes writes `RequestId`. */
function caseInsensitive(values: Record<string, string | undefined>) {
  const lower = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return (name: string): string | undefined => values[name] ?? lower.get(name.toLowerCase());
}
