import type { Services } from "./services.js";

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
 * Time slots of `msPerUnit` handed out in order. A caller reserves its slots before it waits,
 * so concurrent callers queue up behind each other; `release` gives back slots not used.
 */
function slots(msPerUnit: number, clock: Clock) {
  let nextFree = -Infinity;
  return {
    /** Milliseconds to wait before the `n` units reserved now may go. */
    reserve(n: number): number {
      const now = clock.now();
      const start = Math.max(now, nextFree);
      nextFree = start + n * msPerUnit;
      return start - now;
    },
    release(n: number): void {
      if (n > 0) nextFree = Math.max(clock.now(), nextFree - n * msPerUnit);
    },
  };
}

/**
 * A token bucket holding one token, refilled at `ratePerSecond`: requests go out evenly
 * spaced instead of in bursts that the service would throttle. A small margin keeps us under
 * the limit when network latency bunches requests up on the server side.
 */
export function createPacer(ratePerSecond: number, clock: Clock, margin = 1.1): Pacer {
  const pace = slots((1000 / ratePerSecond) * margin, clock);
  return { take: (signal) => clock.sleep(pace.reserve(1), signal) };
}

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
  const pace = slots(1000 / perSecond, clock);
  return {
    batch: Math.max(1, Math.min(10, Math.ceil(perSecond / 2))),
    async take(n, signal) {
      const wait = pace.reserve(n);
      if (wait > 0) await clock.sleep(wait, signal);
      return !signal?.aborted;
    },
    giveBack: (n) => pace.release(n),
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
