import type { QueueMessage, SqsApi } from "../../../src/lib/aws/sqs.js";

/**
 * A small in-memory SQS queue for the redrive unit tests: receive hides what it returns until
 * ChangeMessageVisibility(0) or a delete; receipt handles change on every receive, as in SQS.
 * No timeouts: a hidden message stays hidden (nothing in these tests relies on expiry).
 */
export function memoryQueue(count: number) {
  const messages = new Map<string, { message: QueueMessage; hidden: boolean; handle: string }>();
  for (let n = 0; n < count; n++) {
    const id = `m${n}`;
    messages.set(id, { message: { messageId: id, receiptHandle: "", body: JSON.stringify({ n }), attributes: {}, messageAttributes: {} }, hidden: false, handle: "" });
  }
  let receipts = 0;
  const byHandle = (handle: string) => [...messages.values()].find((m) => m.handle === handle);
  const calls = { receive: 0, delete: 0, release: 0 };
  const sqs = {
    async getQueueAttributes() {
      return { ApproximateNumberOfMessages: String(messages.size) };
    },
    async receive(_url: string, options: { maxMessages: number }) {
      calls.receive++;
      await Promise.resolve();
      const out: QueueMessage[] = [];
      for (const m of messages.values()) {
        if (out.length >= options.maxMessages) break;
        if (m.hidden) continue;
        m.hidden = true;
        m.handle = `h${++receipts}`;
        out.push({ ...m.message, receiptHandle: m.handle });
      }
      return out;
    },
    async changeVisibilityBatch(_url: string, entries: { id: string; receiptHandle: string; visibilityTimeout: number }[]) {
      calls.release += entries.length;
      for (const e of entries) {
        const m = byHandle(e.receiptHandle);
        if (m && e.visibilityTimeout === 0) m.hidden = false;
      }
      return { succeeded: entries.map((e) => e.id), failed: [] };
    },
    async deleteBatch(_url: string, entries: { id: string; receiptHandle: string }[]) {
      calls.delete += entries.length;
      for (const e of entries) {
        const m = byHandle(e.receiptHandle);
        if (m) messages.delete(m.message.messageId);
      }
      return { succeeded: entries.map((e) => e.id), failed: [] };
    },
  } as unknown as SqsApi;
  return { sqs, messages, calls };
}

/**
 * A steady clock that only moves when someone sleeps: pacing is checked without waiting. Sleepers
 * wake one at a time in time order, each after the work already queued has run (setImmediate).
 */
export function virtualClock() {
  let now = 0;
  const timers: { at: number; wake: () => void }[] = [];
  let ticking = false;
  const tick = () => {
    timers.sort((a, b) => a.at - b.at);
    const next = timers.shift();
    if (!next) {
      ticking = false;
      return;
    }
    now = Math.max(now, next.at);
    next.wake();
    setImmediate(tick);
  };
  return {
    now: () => now,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise((wake) => {
        if (signal?.aborted) return wake();
        const timer = { at: now + ms, wake };
        signal?.addEventListener("abort", () => {
          const i = timers.indexOf(timer);
          if (i >= 0) timers.splice(i, 1);
          wake();
        });
        timers.push(timer);
        if (!ticking) {
          ticking = true;
          setImmediate(tick);
        }
      });
    },
  };
}
