import type { Services } from "../services.js";

/**
 * A clock the pacer and backoff can be driven by; tests inject a fake one so pacing is
 * checked without waiting.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The clock of a run's services: their steady clock and their sleep (tests pin both). */
export function pacingClock(services: Pick<Services, "monotonicNow" | "sleep">): Clock {
  return { now: () => services.monotonicNow(), sleep: (ms, signal) => services.sleep(ms, signal) };
}

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

export interface AdaptiveBucket {
  take(signal?: AbortSignal): Promise<void>;
  /** After each answered attempt: a throttle halves the rate, a success earns back 5% of the seed rate. */
  done(throttled: boolean): void;
  readonly rate: number;
}

/**
 * A token bucket seeded from a published API limit (refill `rate` per second, `burst` tokens),
 * adaptive on throttling: AWS limits are per account and region and shared with every other
 * tool there, so when AWS says "slow down" the bucket halves its refill rate and empties,
 * then climbs back towards the seed rate as calls succeed.
 */
export function createAdaptiveBucket(seed: { rate: number; burst: number }, clock: Clock, floor = 0.5): AdaptiveBucket {
  let rate = seed.rate;
  let tokens = seed.burst;
  let last = clock.now();
  const refill = () => {
    const now = clock.now();
    tokens = Math.min(seed.burst, tokens + ((now - last) / 1000) * rate);
    last = now;
  };
  return {
    get rate() {
      return rate;
    },
    async take(signal) {
      refill();
      // Reserve the token now (tokens may go negative) so concurrent callers queue behind it.
      tokens -= 1;
      if (tokens < 0) await clock.sleep((-tokens / rate) * 1000, signal);
    },
    done(throttled) {
      if (throttled) {
        refill();
        rate = Math.max(floor, rate / 2);
        tokens = Math.min(tokens, 0);
      } else if (rate < seed.rate) {
        rate = Math.min(seed.rate, rate + seed.rate * 0.05);
      }
    },
  };
}
