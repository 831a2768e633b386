import type { Clock } from "../../../src/lib/pacing.js";

/** A clock whose sleep advances time at once and records how long each wait was. */
export function fakeClock(start = 0): Clock & { sleeps: number[]; time: number } {
  const clock = {
    time: start,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += Math.max(0, ms);
    },
  };
  return clock;
}
