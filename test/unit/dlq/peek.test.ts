import { describe, expect, it } from "vitest";
import type { QueueMessage, SqsApi } from "../../../src/lib/aws/sqs.js";
import { AwsError } from "../../../src/lib/errors.js";
import { peekQueue, peekVisibilityTimeout } from "../../../src/lib/dlq/peek.js";
import { fakeApi } from "../../helpers/fake-api.js";

const msg = (n: number, handle = `h${n}`): QueueMessage => ({ messageId: `m${n}`, receiptHandle: handle, body: "{}", attributes: {}, messageAttributes: {} });

/** A fake queue that records what inspect asked of it; deleting is a test failure. */
function fakeSqs(batches: (QueueMessage[] | Error)[]) {
  const released: string[] = [];
  const receives: { maxMessages: number; visibilityTimeout: number }[] = [];
  const api = fakeApi<SqsApi>("sqs", {
    async getQueueAttributes() {
      return {};
    },
    async receive(_url, options) {
      receives.push({ maxMessages: options.maxMessages, visibilityTimeout: options.visibilityTimeout });
      const next = batches.shift() ?? [];
      if (next instanceof Error) throw next;
      return next.slice(0, options.maxMessages);
    },
    async changeVisibilityBatch(_url, entries) {
      for (const e of entries) {
        expect(e.visibilityTimeout).toBe(0);
        released.push(e.receiptHandle);
      }
      return { succeeded: entries.map((e) => e.id), failed: [] };
    },
    async sendBatch() {
      throw new Error("inspect must never send");
    },
    async deleteBatch() {
      throw new Error("inspect must never delete");
    },
  });
  return { api, released, receives };
}

const options = { queueUrl: "q", concurrency: 1, visibilityTimeout: 20, waitTimeSeconds: 1 };

describe("peekQueue", () => {
  it("reads up to max, asks only for what is left, and releases every message with its newest handle", async () => {
    // m3 comes back once (its timeout ran out): counted once, released with the newer handle.
    const { api, released, receives } = fakeSqs([[msg(1), msg(2), msg(3)], [msg(3, "h3-again")], [msg(4), msg(5)], [msg(6)]]);
    const result = await peekQueue(api, { ...options, max: 4 });
    expect(result.messages.map((m) => m.messageId)).toEqual(["m1", "m2", "m3", "m4"]);
    expect(receives.map((r) => r.maxMessages)).toEqual([4, 1, 1]);
    expect(receives.every((r) => r.visibilityTimeout === 20)).toBe(true);
    expect(released.sort()).toEqual(["h1", "h2", "h3-again", "h4"]);
  });

  it("releases what it read even when a later receive fails", async () => {
    const { api, released } = fakeSqs([[msg(1), msg(2)], new AwsError("SQS", "ReceiveMessage", "AccessDenied", "no")]);
    await expect(peekQueue(api, { ...options, max: 100 })).rejects.toThrow(/AccessDenied/);
    expect(released.sort()).toEqual(["h1", "h2"]);
  });

  it("stops on Ctrl-C and still releases", async () => {
    const controller = new AbortController();
    const { api, released, receives } = fakeSqs([[msg(1)], [msg(2)]]);
    const original = api.receive;
    api.receive = async (url, o) => {
      const out = await original(url, o);
      controller.abort();
      return out;
    };
    const result = await peekQueue(api, { ...options, max: 100, signal: controller.signal });
    expect(receives).toHaveLength(1);
    expect(result.messages).toHaveLength(1);
    expect(released).toEqual(["h1"]);
  });

  it("keeps the hide time short: 15 s plus 1 s per batch of 10", () => {
    expect(peekVisibilityTimeout(100)).toBe(25);
    expect(peekVisibilityTimeout(1000)).toBe(115);
    expect(peekVisibilityTimeout(10_000)).toBe(300);
  });
});
