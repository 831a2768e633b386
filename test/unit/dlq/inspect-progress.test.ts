import { describe, expect, it } from "vitest";
import spec from "../../../src/commands/dlq/inspect.js";
import type { QueueMessage, SqsApi } from "../../../src/lib/aws/sqs.js";
import type { OptionsOf } from "../../../src/lib/command.js";
import { peekProgressText } from "../../../src/lib/dlq/peek.js";
import { testContext } from "../../helpers/context.js";

const DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/fn-dlq";
type InspectOptions = OptionsOf<typeof spec.options>;

function queueOf(count: number, approximate: string | undefined): SqsApi {
  const waiting = Array.from({ length: count }, (_, n): QueueMessage => ({ messageId: `m${n}`, receiptHandle: `h${n}`, body: "{}", attributes: {}, messageAttributes: {} }));
  const ok = (entries: { id: string }[]) => ({ succeeded: entries.map((e) => e.id), failed: [] });
  return {
    async getQueueAttributes(): Promise<Record<string, string>> {
      return approximate === undefined ? {} : { ApproximateNumberOfMessages: approximate };
    },
    async receive(_url, options) {
      return waiting.splice(0, options.maxMessages);
    },
    changeVisibilityBatch: async (_url, entries) => ok(entries),
    sendBatch: async () => {
      throw new Error("inspect must never send");
    },
    deleteBatch: async () => {
      throw new Error("inspect must never delete");
    },
  };
}

/** Runs `dlq inspect` with a spinner that records every text it is given (what a TTY shows). */
async function spinnerTexts(given: Partial<InspectOptions>, sqs: SqsApi): Promise<string[]> {
  const { ctx } = testContext({ format: "text", services: { sqs: async () => sqs } });
  const texts: string[] = [];
  ctx.out = { ...ctx.out, spinner: (text) => (texts.push(text), { update: (next) => void texts.push(next), stop() {} }) };
  const defaults = Object.fromEntries(Object.entries(spec.options).map(([key, o]) => [key, o.defaultValue])) as InspectOptions;
  await spec.run({ ...defaults, concurrency: 1, ...given, queueUrl: DLQ }, ctx, []);
  return texts;
}

describe("dlq inspect progress on a terminal", () => {
  it("counts what it has read against SQS's approximate count", async () => {
    expect(await spinnerTexts({}, queueOf(25, "25"))).toEqual(["read 0 of ~25…", "read 10 of ~25…", "read 20 of ~25…", "read 25 of ~25…"]);
  });

  it("caps the expected count at --max", async () => {
    expect(await spinnerTexts({ max: 12 }, queueOf(25, "25"))).toEqual(["read 0 of ~12…", "read 10 of ~12…", "read 12 of ~12…"]);
  });

  it("never shows fewer expected than already read, and says 'at most' without a count", () => {
    expect(peekProgressText(100, "3")(10)).toBe("read 10 of ~10…");
    expect(peekProgressText(100, undefined)(10)).toBe("read 10 (at most 100)…");
  });
});
