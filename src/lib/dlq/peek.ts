import type { EntryFailure, QueueMessage, SqsApi } from "../aws/sqs.js";
import { chunk } from "./send-entries.js";
import { mapLimit } from "./pool.js";
import { queueRead, receiveLoop } from "./receive-loop.js";

/**
 * SQS has no peek. `dlq inspect` receives with a short visibility timeout, keeps every message
 * hidden only until it has read up to --max (so it never reads the same one twice), then makes
 * them all visible again at once with ChangeMessageVisibilityBatch(0) — also when reading
 * fails or the user presses Ctrl-C. It never deletes. If the process dies, SQS itself makes
 * the messages visible again when the short timeout runs out.
 */
export interface PeekOptions {
  queueUrl: string;
  max: number;
  concurrency: number;
  visibilityTimeout: number;
  waitTimeSeconds: number;
  signal?: AbortSignal;
  /** Called with the number of distinct messages read so far, after each batch that added some. */
  onProgress?: (read: number) => void;
}

export interface PeekResult {
  messages: QueueMessage[];
  /** Messages SQS refused to make visible again; they reappear when the timeout runs out. */
  releaseFailures: EntryFailure[];
}

/** Long enough to read --max messages in batches of 10, short enough to be harmless. */
export function peekVisibilityTimeout(max: number): number {
  return Math.min(300, 15 + Math.ceil(max / 10));
}

/**
 * The spinner's text: "read N of ~M", M being SQS's approximate count capped at --max (the
 * count is a snapshot and approximate, hence "~"); "read N (at most M)" when SQS gave none.
 */
export function peekProgressText(max: number, approximate: string | undefined): (read: number) => string {
  const count = approximate === undefined || !/^\d+$/.test(approximate) ? undefined : Number(approximate);
  if (count === undefined) return (read) => `read ${read} (at most ${max})…`;
  const expected = Math.min(max, count);
  return (read) => `read ${read} of ~${Math.max(expected, read)}…`;
}

export async function peekQueue(sqs: SqsApi, options: PeekOptions): Promise<PeekResult> {
  const held = new Map<string, QueueMessage>();
  let readError: unknown;
  try {
    await receiveLoop(sqs, {
      ...queueRead(options),
      remaining: () => options.max - held.size,
      reserve: true,
      take(batch) {
        let fresh = 0;
        for (const message of batch) {
          if (!held.has(message.messageId)) fresh += 1;
          // A message seen twice (its timeout ran out mid-read) is released with its newest handle.
          held.set(message.messageId, message);
        }
        if (fresh > 0) options.onProgress?.(held.size);
        // Receives that bring only messages already held (their timeout ran out while we read,
        // a slow endpoint) end the read after a few in a row rather than chase them.
        return { fresh };
      },
    });
  } catch (error) {
    readError = error; // what was read is released below
  }
  const releaseFailures = await releaseAll(sqs, options.queueUrl, [...held.values()], options.concurrency);
  if (readError) throw readError;
  return { messages: [...held.values()], releaseFailures };
}

/** ChangeMessageVisibilityBatch(0) for every message; failures are reported, never thrown. */
export async function releaseAll(
  sqs: SqsApi,
  queueUrl: string,
  messages: QueueMessage[],
  concurrency: number,
): Promise<EntryFailure[]> {
  const outcomes = await mapLimit(chunk(messages, 10), concurrency, async (group) => {
    const entries = group.map((m, i) => ({ id: `r${i}`, receiptHandle: m.receiptHandle, visibilityTimeout: 0 }));
    try {
      const result = await sqs.changeVisibilityBatch(queueUrl, entries);
      return result.failed.map((f) => ({ ...f, id: group[Number(f.id.slice(1))]?.messageId ?? f.id }));
    } catch (error) {
      const code = (error as { code?: string }).code ?? "Error";
      return group.map((m) => ({ id: m.messageId, code, message: (error as Error).message, senderFault: false }));
    }
  });
  return outcomes.flat();
}
