/**
 * A clock the pacer and backoff can be driven by; tests inject a fake one so pacing is
 * checked without waiting.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (ms <= 0 || signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

export interface Pacer {
  /** Resolves when the next request may be sent (immediately for the first one). */
  take(signal?: AbortSignal): Promise<void>;
}

/**
 * A token bucket holding one token, refilled at `ratePerSecond`: requests go out evenly
 * spaced instead of in bursts that the service would throttle. A small margin keeps us under
 * the limit when network latency bunches requests up on the server side.
 */
export function createPacer(ratePerSecond: number, clock: Clock, margin = 1.1): Pacer {
  const interval = (1000 / ratePerSecond) * margin;
  let nextSlot = -Infinity;
  return {
    async take(signal) {
      const now = clock.now();
      const slot = Math.max(now, nextSlot);
      // Reserve the slot before waiting so concurrent callers queue up behind it.
      nextSlot = slot + interval;
      await clock.sleep(slot - now, signal);
    },
  };
}
