/**
 * How often to ask Step Functions about an execution (`approval start --wait`, `approval tail
 * --follow`). An approval waits on a person for minutes or days, so polls start at the chosen
 * interval and stretch (×1.5) while nothing changes, up to 30 s; a change brings them back to
 * the interval; throttling doubles the wait up to 60 s. Every wait gets ±20 % jitter, so
 * several CI jobs started together do not poll together.
 */
export type PollOutcome = "changed" | "same" | "throttled";

export interface Pacer {
  /** The wait before the next poll, after a poll that ended so. */
  next(outcome: PollOutcome): number;
}

export const QUIET_CAP_MS = 30_000;
export const THROTTLED_CAP_MS = 60_000;

export function createPacer(baseMs: number, random: () => number): Pacer {
  let interval = baseMs;
  return {
    next(outcome) {
      let wait: number;
      if (outcome === "throttled") {
        interval = Math.min(Math.max(baseMs, THROTTLED_CAP_MS), interval * 2);
        wait = interval;
      } else {
        if (outcome === "changed") interval = baseMs;
        wait = interval;
        interval = Math.min(Math.max(baseMs, QUIET_CAP_MS), Math.round(interval * 1.5));
      }
      return Math.round(wait * (0.8 + 0.4 * random()));
    },
  };
}

export const INTERVAL_HELP = "seconds between polls at first, ±20 % jitter; stretches to 30 s while nothing changes, doubles while throttled";
