import { describe, expect, it } from "vitest";
import { createPacer } from "../../../src/lib/pacing.js";
import { fakeClock } from "./fake-clock.js";

describe("createPacer", () => {
  it("sends the first request at once, then one per 1/rate seconds with a 10% margin", async () => {
    const clock = fakeClock(1_000);
    const pacer = createPacer(2, clock);
    const sentAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pacer.take();
      sentAt.push(clock.now());
    }
    expect(sentAt).toEqual([1000, 1550, 2100, 2650, 3200]);
    // Any one-second window holds at most 2 requests.
    for (const t of sentAt) expect(sentAt.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(2);
  });

  it("does not bank tokens while idle: no burst after a pause", async () => {
    const clock = fakeClock();
    const pacer = createPacer(2, clock);
    await pacer.take();
    clock.time += 10_000;
    await pacer.take();
    await pacer.take();
    expect(clock.sleeps.slice(-2)).toEqual([0, 550]);
  });

  it("queues concurrent callers behind each other", async () => {
    // Time stands still while the three callers ask: each must wait one slot longer.
    const sleeps: number[] = [];
    const pacer = createPacer(4, { now: () => 0, sleep: async (ms) => void sleeps.push(ms) }, 1);
    await Promise.all([pacer.take(), pacer.take(), pacer.take()]);
    expect(sleeps).toEqual([0, 250, 500]);
  });
});
