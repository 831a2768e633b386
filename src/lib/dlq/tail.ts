import type { QueueMessage, SqsApi } from "../aws/sqs.js";
import { releaseAll } from "./peek.js";

/**
 * `dlq tail`: long-polls a DLQ and hands each message to `onMessage` once (by message id).
 * A new message is made visible again at once after it is shown, so a redrive or another
 * reader sees it straight away. One that comes round again (already shown) is left hidden for
 * the receive's short visibility timeout instead, so the tail does not spin on the backlog and
 * keeps reaching new arrivals. Nothing is ever deleted; a kill leaves messages hidden for at
 * most `visibilityTimeout` seconds.
 */
export interface TailOptions {
  queueUrl: string;
  /** Steady-clock instant (ms) to stop at; undefined: until the signal. */
  until?: number;
  monotonicNow(): number;
  signal: AbortSignal;
  visibilityTimeout: number;
  onMessage(message: QueueMessage): void;
  /** Messages that could not be made visible again (they return after the timeout). */
  onReleaseFailures?(count: number, code: string): void;
}

export interface TailSummary {
  shown: number;
  receives: number;
}

/** The longest long poll SQS allows. */
const MAX_WAIT_SECONDS = 20;

export async function tailQueue(sqs: SqsApi, options: TailOptions): Promise<TailSummary> {
  const shown = new Set<string>();
  let receives = 0;
  for (;;) {
    if (options.signal.aborted) break;
    const left = options.until === undefined ? Infinity : options.until - options.monotonicNow();
    if (left <= 0) break;
    // Under a second left still waits one: short polls in a loop would spin.
    const wait = Math.max(1, Math.min(MAX_WAIT_SECONDS, Math.floor(left / 1000)));
    let batch: QueueMessage[];
    try {
      receives += 1;
      batch = await sqs.receive(options.queueUrl, { maxMessages: 10, visibilityTimeout: options.visibilityTimeout, waitTimeSeconds: wait, signal: options.signal });
    } catch (error) {
      if (options.signal.aborted) break; // Ctrl-C abandoned the long poll
      throw error;
    }
    const fresh = batch.filter((m) => !shown.has(m.messageId));
    for (const message of fresh) {
      shown.add(message.messageId);
      options.onMessage(message);
    }
    const failures = await releaseAll(sqs, options.queueUrl, fresh, 1);
    if (failures.length > 0) options.onReleaseFailures?.(failures.length, failures[0]?.code ?? "Error");
  }
  return { shown: shown.size, receives };
}
