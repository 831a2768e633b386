import { describe, expect, it } from "vitest";
import type { QueueMessage, SqsApi } from "../../../src/lib/aws/sqs.js";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { fakeApi } from "../../helpers/fake-api.js";

const DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/fn-dlq";
const WORK = "https://sqs.us-east-1.amazonaws.com/123456789012/work";

const message = (n: number): QueueMessage => ({
  messageId: `m${n}`,
  receiptHandle: `h${n}`,
  body: JSON.stringify({ n }),
  attributes: { SentTimestamp: "1764028800000", ApproximateReceiveCount: "1" },
  messageAttributes: { ErrorMessage: { dataType: "String", stringValue: "Error: boom" } },
});

/**
 * A queue of `count` messages that presses Ctrl-C while its first receive is answered, and
 * records what the command did with every message.
 */
function queuePressingCtrlC(count: number, press: () => void) {
  const waiting = Array.from({ length: count }, (_, n) => message(n));
  const calls = { receives: 0, released: [] as string[], sent: [] as string[], deleted: [] as string[] };
  const sqs = fakeApi<SqsApi>("sqs", {
    async getQueueAttributes() {
      return { ApproximateNumberOfMessages: String(count) };
    },
    async receive(_url, options) {
      calls.receives += 1;
      if (calls.receives === 1) press();
      return waiting.splice(0, options.maxMessages);
    },
    async changeVisibilityBatch(_url, entries) {
      calls.released.push(...entries.map((e) => e.receiptHandle));
      return { succeeded: entries.map((e) => e.id), failed: [] };
    },
    async sendBatch(_url, entries) {
      calls.sent.push(...entries.map((e) => e.body));
      return { succeeded: entries.map((e) => e.id), failed: [] };
    },
    async deleteBatch(_url, entries) {
      calls.deleted.push(...entries.map((e) => e.receiptHandle));
      return { succeeded: entries.map((e) => e.id), failed: [] };
    },
  });
  return { sqs, calls };
}

describe("dlq commands on Ctrl-C (in-process)", () => {
  it("inspect stops reading, makes what it read visible again, deletes nothing and exits 130", async () => {
    const ctrlC = interrupts();
    const { sqs, calls } = queuePressingCtrlC(50, () => ctrlC.interrupt());
    const run = await awsblog(["dlq", "inspect", "--queue-url", DLQ, "--concurrency", "1", "-o", "json"], { services: { sqs: async () => sqs }, interrupts: ctrlC });
    expect(run.code).toBe(130);
    expect(calls.receives).toBe(1);
    expect(calls.released).toEqual(Array.from({ length: 10 }, (_, n) => `h${n}`));
    expect(calls.deleted).toEqual([]);
    expect(run.json<{ messages: unknown[] }>().messages).toHaveLength(10);
    expect(run.stderr).toMatch(/interrupted/);
  });

  it("inspect's text says in its last line that Ctrl-C cut the listing short", async () => {
    const ctrlC = interrupts();
    const { sqs } = queuePressingCtrlC(50, () => ctrlC.interrupt());
    const run = await awsblog(["dlq", "inspect", "--queue-url", DLQ, "--concurrency", "1"], { services: { sqs: async () => sqs }, interrupts: ctrlC });
    expect(run.code).toBe(130);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^10 message\(s\) from /);
    expect(lines[lines.length - 1]).toBe("interrupted (Ctrl-C): the result above may be incomplete");
  });

  it("redrive finishes the batch in hand, takes no new one, reports the counts and exits 130", async () => {
    const ctrlC = interrupts();
    const { sqs, calls } = queuePressingCtrlC(50, () => ctrlC.interrupt());
    const run = await awsblog(["dlq", "redrive", "--queue-url", DLQ, "--to", WORK, "--concurrency", "1", "-o", "json"], {
      services: { sqs: async () => sqs, sleep: async () => {} },
      interrupts: ctrlC,
    });
    expect(run.code).toBe(130);
    expect(calls.receives).toBe(1);
    expect(calls.sent).toHaveLength(10);
    expect(calls.deleted).toEqual(Array.from({ length: 10 }, (_, n) => `h${n}`));
    expect(run.json<{ moved: number; failed: number }>()).toMatchObject({ moved: 10, failed: 0 });
    expect(run.stderr).toMatch(/10 moved, the rest are still in the DLQ/);
  });
});
