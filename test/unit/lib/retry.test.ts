import { describe, expect, it } from "vitest";
import { backoffMs, sleep } from "../../../src/lib/retry.js";

describe("backoffMs", () => {
  it("doubles the ceiling each attempt up to the cap, jittered down to the minimum", () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 10].map((n) => backoffMs(n, { baseMs: 200, capMs: 1_000, random: top }))).toEqual([200, 400, 800, 1000, 1000]);
    expect(backoffMs(3, { baseMs: 200, capMs: 1_000, random: () => 0 })).toBe(0);
    expect(backoffMs(3, { baseMs: 1_000, capMs: 60_000, minMs: 1_000, random: () => 0 })).toBe(1_000);
    expect(backoffMs(3, { baseMs: 1_000, capMs: 60_000, minMs: 1_000, random: () => 0.5 })).toBe(4_500);
  });
});

describe("sleep", () => {
  it("ends early when the signal aborts (Ctrl-C never waits out a backoff)", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = sleep(10_000, controller.signal);
    controller.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
