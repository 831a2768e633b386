import { describe, expect, it } from "vitest";
import type { QueueMessage, SqsApi } from "../../../src/lib/aws/sqs.js";
import { receiveLoop, type ReceiveLoopOptions } from "../../../src/lib/dlq/receive-loop.js";

const msg = (n: number): QueueMessage => ({ messageId: `m${n}`, receiptHandle: `h${n}`, body: "{}", attributes: {}, messageAttributes: {} });

/** A queue whose receives are answered by `answer` (called with the receive's number and size). */
function queue(answer: (call: number, maxMessages: number) => QueueMessage[] | Promise<QueueMessage[]>) {
  const asked: number[] = [];
  const sqs = {
    async receive(_url: string, options: { maxMessages: number }) {
      asked.push(options.maxMessages);
      return answer(asked.length, options.maxMessages);
    },
  } as unknown as SqsApi;
  return { sqs, asked };
}

const base = { queueUrl: "q", visibilityTimeout: 30, waitTimeSeconds: 1 } satisfies Partial<ReceiveLoopOptions>;

describe("receiveLoop", () => {
  it("with reserve, concurrent receives together ask for no more than is wanted", async () => {
    let taken = 0;
    const { sqs, asked } = queue((_call, n) => Array.from({ length: n }, () => msg(taken + Math.random())));
    await receiveLoop(sqs, {
      ...base,
      concurrency: 4,
      reserve: true,
      remaining: () => 25 - taken,
      take: (batch) => ((taken += batch.length), { fresh: batch.length }),
    });
    expect(taken).toBe(25);
    expect(asked.reduce((a, b) => a + b, 0)).toBe(25);
  });

  it("without reserve, always asks for 10 and stops once take has counted enough", async () => {
    let matched = 0;
    const { sqs, asked } = queue(() => Array.from({ length: 10 }, (_, i) => msg(i)));
    await receiveLoop(sqs, {
      ...base,
      concurrency: 1,
      reserve: false,
      remaining: () => 3 - matched,
      take: () => ((matched += 1), { fresh: 10 }), // one match per batch
    });
    expect(asked).toEqual([10, 10, 10]);
  });

  it("an empty receive while another worker still holds a batch ends only that worker", async () => {
    // Worker 1 holds batch [m1] until worker 2's receive came back empty (a locked FIFO
    // group looks like this); the run must go on and receive [m2] afterwards.
    let emptySeen!: () => void;
    const empty = new Promise<void>((resolve) => (emptySeen = resolve));
    const { sqs } = queue((call) => {
      if (call === 1) return [msg(1)];
      if (call === 2) {
        emptySeen();
        return [];
      }
      return call === 3 ? [msg(2)] : [];
    });
    const taken: string[] = [];
    await receiveLoop(sqs, {
      ...base,
      concurrency: 2,
      reserve: false,
      remaining: () => Number.POSITIVE_INFINITY,
      take: (batch) => {
        taken.push(...batch.map((m) => m.messageId));
        return { fresh: batch.length, done: batch[0]?.messageId === "m1" ? empty.then(() => new Promise((r) => setImmediate(r))) : undefined };
      },
    });
    expect(taken).toEqual(["m1", "m2"]);
  });

  it("stops after idleLimit receives in a row bring nothing new", async () => {
    const { sqs, asked } = queue(() => [msg(1)]);
    let first = true;
    await receiveLoop(sqs, {
      ...base,
      concurrency: 1,
      reserve: false,
      idleLimit: 3,
      remaining: () => Number.POSITIVE_INFINITY,
      take: () => {
        const fresh = first ? 1 : 0;
        first = false;
        return { fresh };
      },
    });
    expect(asked).toHaveLength(1 + 3);
  });

  it("a failed receive stops the others after their batch in hand, then throws", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { sqs, asked } = queue((call) => {
      if (call === 1) return [msg(1)];
      throw Object.assign(new Error("denied"), { code: "AccessDenied" });
    });
    const finished: string[] = [];
    const run = receiveLoop(sqs, {
      ...base,
      concurrency: 2,
      reserve: false,
      remaining: () => Number.POSITIVE_INFINITY,
      take: (batch) => ({ fresh: batch.length, done: held.then(() => void finished.push(batch[0]!.messageId)) }),
    });
    await new Promise((r) => setImmediate(r));
    release();
    await expect(run).rejects.toThrow("denied");
    expect(finished).toEqual(["m1"]);
    expect(asked).toHaveLength(2);
  });

  it("stops when the caller says so", async () => {
    let stop = false;
    const { sqs, asked } = queue(() => [msg(asked.length)]);
    await receiveLoop(sqs, {
      ...base,
      concurrency: 1,
      reserve: false,
      remaining: () => Number.POSITIVE_INFINITY,
      stopped: () => stop,
      take: () => ((stop = asked.length === 2), { fresh: 1 }),
    });
    expect(asked).toHaveLength(2);
  });
});
