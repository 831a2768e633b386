import { describe, expect, it } from "vitest";
import type { QueueMessage } from "../../../src/lib/aws/sqs.js";
import { createRateLimit } from "../../../src/lib/pacing.js";
import { redrive } from "../../../src/lib/dlq/redrive.js";
import type { RedriveTarget } from "../../../src/lib/dlq/targets.js";
import { memoryQueue, virtualClock } from "./memory-queue.js";

/** A target that accepts everything and notes the clock's time of each message it got. */
function recordingTarget(clock: { now(): number }) {
  const got: { id: string; at: number }[] = [];
  const target: RedriveTarget = {
    describe: "memory",
    async deliver(messages: QueueMessage[]) {
      for (const m of messages) got.push({ id: m.messageId, at: clock.now() });
      return { delivered: messages, failed: [], fatal: false };
    },
  };
  return { target, got };
}

const base = { queueUrl: "q", dryRun: false, visibilityTimeout: 60, waitTimeSeconds: 1 };

describe("redrive --rate", () => {
  it("300 messages at 5/s with 4 workers: the total stays 5/s, spread evenly over ~60 s", async () => {
    const clock = virtualClock();
    const { sqs, messages } = memoryQueue(300);
    const { target, got } = recordingTarget(clock);
    const report = await redrive(sqs, { ...base, target, concurrency: 4, rate: createRateLimit(5, clock) });
    expect(report.moved).toBe(300);
    expect(messages.size).toBe(0);
    const last = Math.max(...got.map((g) => g.at));
    // Batches of 3 every 0.6 s: the last one leaves at 59.4 s.
    expect(last).toBeGreaterThanOrEqual(59_000);
    expect(last).toBeLessThanOrEqual(60_000);
    // Smooth: no 10-second stretch carries more than 50 messages (+ one batch of rounding).
    for (let start = 0; start < last; start += 500) {
      expect(got.filter((g) => g.at >= start && g.at < start + 10_000).length).toBeLessThanOrEqual(53);
    }
  });

  it("receives at most half a second's worth per call, and skipped messages do not use up the rate", () => {
    const clock = virtualClock();
    expect(createRateLimit(5, clock).batch).toBe(3);
    expect(createRateLimit(0.5, clock).batch).toBe(1);
    expect(createRateLimit(500, clock).batch).toBe(10);
  });

  it("what a receive did not bring is given back: a slot is not lost", async () => {
    const clock = virtualClock();
    const rate = createRateLimit(1, clock);
    await rate.take(1);
    rate.giveBack(1);
    await rate.take(1);
    expect(clock.now()).toBe(0);
    await rate.take(1);
    expect(clock.now()).toBe(1000);
  });
});

describe("redrive --keep", () => {
  it("copies every message once, deletes none, and makes all visible again at the end", async () => {
    const clock = virtualClock();
    const { sqs, messages, calls } = memoryQueue(45);
    const { target, got } = recordingTarget(clock);
    const report = await redrive(sqs, { ...base, target, concurrency: 3, keep: true });
    expect(report.moved).toBe(45);
    expect(new Set(got.map((g) => g.id)).size).toBe(45);
    expect(got).toHaveLength(45);
    expect(calls.delete).toBe(0);
    expect(messages.size).toBe(45);
    expect([...messages.values()].every((m) => !m.hidden)).toBe(true);
  });

  it("Ctrl-C mid-copy still releases every copy taken so far", async () => {
    const clock = virtualClock();
    const { sqs, messages, calls } = memoryQueue(100);
    const stop = new AbortController();
    const { target, got } = recordingTarget(clock);
    const slow: RedriveTarget = {
      describe: "memory",
      async deliver(batch) {
        if (got.length >= 20) stop.abort();
        return target.deliver(batch);
      },
    };
    const report = await redrive(sqs, { ...base, target: slow, concurrency: 2, keep: true, signal: stop.signal });
    expect(report.moved).toBeGreaterThanOrEqual(20);
    expect(report.moved).toBeLessThan(100);
    expect(calls.delete).toBe(0);
    expect([...messages.values()].every((m) => !m.hidden)).toBe(true);
  });
});
