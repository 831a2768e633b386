import { UsageError } from "../errors.js";
import {
  isDestinationRecord,
  isObject,
  isSnsNotification,
  MAX_NESTING,
  nestedDeeperThan,
  recordFromDestination,
  recordFromSns,
  recordFromSqs,
  type DlqRecord,
  type SqsLike,
} from "./records.js";

/**
 * `dlq inspect --file`: dead-letter data someone saved — `aws sqs receive-message` output,
 * an SNS notification, a Lambda SNS event (`Records[].Sns`), a Lambda SQS event, on-failure
 * destination records — as one JSON document, an array of them, or JSON Lines.
 */
export function parseSavedData(text: string, source = "--file"): DlqRecord[] {
  const documents = parseDocuments(text, source);
  documents.forEach((doc, index) => {
    if (nestedDeeperThan(doc, MAX_NESTING)) {
      throw new UsageError(
        `${source} document ${index + 1}: JSON nested deeper than ${MAX_NESTING} levels`,
        "pass saved DLQ messages (ReceiveMessage output, SNS messages, destination records), not arbitrary JSON",
      );
    }
  });
  return documents.flatMap((doc, index) => extract(doc, `${source} document ${index + 1}`));
}

function parseDocuments(text: string, source: string): unknown[] {
  if (text.trim() === "") throw new UsageError(`${source} is empty`, "pass a saved ReceiveMessage response, SNS message or destination record");
  try {
    return [JSON.parse(text)];
  } catch (whole) {
    // JSON Lines: one document per line (e.g. records appended by a log shipper).
    const lines = text.split("\n").filter((line) => line.trim() !== "");
    if (lines.length < 2) throw new UsageError(`${source} is not valid JSON: ${(whole as Error).message}`, "pass a JSON document or JSON Lines");
    return lines.map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new UsageError(`${source} line ${i + 1} is not valid JSON: ${(error as Error).message}`, "pass a JSON document or JSON Lines");
      }
    });
  }
}

function extract(doc: unknown, where: string): DlqRecord[] {
  if (Array.isArray(doc)) return doc.flatMap((item, i) => extract(item, `${where} item ${i + 1}`));
  if (!isObject(doc)) throw unrecognized(where);
  if (Array.isArray(doc.Messages)) return doc.Messages.map((m, i) => recordFromSqs(sqsFromPascal(m, `${where} Messages[${i}]`)));
  if (Array.isArray(doc.Records)) return doc.Records.flatMap((r, i) => fromLambdaEventRecord(r, `${where} Records[${i}]`));
  if (isSnsNotification(doc)) return [recordFromSns(doc)];
  if (isDestinationRecord(doc)) return [recordFromDestination(doc)];
  if (typeof doc.MessageId === "string" && typeof doc.Body === "string") return [recordFromSqs(sqsFromPascal(doc, where))];
  throw unrecognized(where);
}

function fromLambdaEventRecord(record: unknown, where: string): DlqRecord[] {
  if (!isObject(record)) throw unrecognized(where);
  if (isObject(record.Sns)) return [recordFromSns(record.Sns)];
  if (typeof record.messageId === "string" && typeof record.body === "string") return [recordFromSqs(sqsFromCamel(record))];
  return extract(record, where);
}

/** `aws sqs receive-message` / SDK shape: `MessageAttributes.X.StringValue`. */
function sqsFromPascal(raw: unknown, where: string): SqsLike {
  if (!isObject(raw) || typeof raw.Body !== "string") throw unrecognized(where);
  return {
    messageId: typeof raw.MessageId === "string" ? raw.MessageId : "",
    body: raw.Body,
    messageAttributes: attributeStrings(raw.MessageAttributes, "StringValue"),
    systemAttributes: plainStrings(raw.Attributes),
  };
}

/** Lambda SQS event shape: `messageAttributes.X.stringValue`. */
function sqsFromCamel(raw: Record<string, unknown>): SqsLike {
  return {
    messageId: String(raw.messageId),
    body: String(raw.body),
    messageAttributes: attributeStrings(raw.messageAttributes, "stringValue"),
    systemAttributes: plainStrings(raw.attributes),
  };
}

function attributeStrings(attrs: unknown, key: string): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  if (!isObject(attrs)) return result;
  for (const [name, value] of Object.entries(attrs)) {
    const v = isObject(value) ? value[key] : undefined;
    result[name] = typeof v === "string" ? v : undefined;
  }
  return result;
}

function plainStrings(attrs: unknown): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  if (!isObject(attrs)) return result;
  for (const [name, value] of Object.entries(attrs)) result[name] = typeof value === "string" ? value : String(value);
  return result;
}

function unrecognized(where: string): UsageError {
  return new UsageError(
    `${where}: not a format dlq inspect knows`,
    "pass an SQS ReceiveMessage response, an SNS notification or Lambda SNS event, or Lambda on-failure destination records",
  );
}
