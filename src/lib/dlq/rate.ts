import type { Clock } from "../tags/pacer.js";

/**
 * `dlq redrive --rate <n>`: at most n messages per second over the whole run, whatever
 * --concurrency is (every worker takes from this one limiter). A worker reserves the messages
 * it is about to receive *before* the receive, so no message waits hidden for its turn, and
 * gives back what the receive did not bring (or what it did not send: filtered out, already
 * moved). Batches are capped at about half a second's worth, so a slow rate is sent in small
 * even steps rather than a burst of 10 and a long pause.
 */
export interface RateLimit {
  /** Messages per receive under this rate (1–10). */
  readonly batch: number;
  /** Waits until `n` messages may go; false when the signal ended the wait. */
  take(n: number, signal?: AbortSignal): Promise<boolean>;
  /** Returns reserved messages that were not sent. */
  giveBack(n: number): void;
}

export function createRateLimit(perSecond: number, clock: Clock): RateLimit {
  const msPerMessage = 1000 / perSecond;
  let nextFree = -Infinity;
  return {
    batch: Math.max(1, Math.min(10, Math.ceil(perSecond / 2))),
    async take(n, signal) {
      const now = clock.now();
      const start = Math.max(now, nextFree);
      // Reserved before waiting, so concurrent workers queue up behind each other.
      nextFree = start + n * msPerMessage;
      if (start > now) await clock.sleep(start - now, signal);
      return !signal?.aborted;
    },
    giveBack(n) {
      if (n <= 0) return;
      nextFree = Math.max(clock.now(), nextFree - n * msPerMessage);
    },
  };
}
