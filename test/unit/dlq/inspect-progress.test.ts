import { describe, expect, it } from "vitest";
import type { QueueMessage, SqsApi } from "../../../src/lib/aws/sqs.js";
import { peekProgressText } from "../../../src/lib/dlq/peek.js";
import { awsblog } from "../../helpers/in-process.js";
import { fakeApi } from "../../helpers/fake-api.js";

const DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/fn-dlq";

/**
 * A queue of `count` messages. Each receive first waits for the terminal to draw a frame, so
 * the progress after every batch is on the screen before the next batch comes back.
 */
function queueOf(count: number, approximate: string | undefined, frameDrawn: () => Promise<void>): SqsApi {
  const waiting = Array.from({ length: count }, (_, n): QueueMessage => ({ messageId: `m${n}`, receiptHandle: `h${n}`, body: "{}", attributes: {}, messageAttributes: {} }));
  const ok = (entries: { id: string }[]) => ({ succeeded: entries.map((e) => e.id), failed: [] });
  return fakeApi<SqsApi>("sqs", {
    async getQueueAttributes(): Promise<Record<string, string>> {
      return approximate === undefined ? {} : { ApproximateNumberOfMessages: approximate };
    },
    async receive(_url, options) {
      await frameDrawn();
      return waiting.splice(0, options.maxMessages);
    },
    changeVisibilityBatch: async (_url, entries) => ok(entries),
    sendBatch: async () => {
      throw new Error("inspect must never send");
    },
    deleteBatch: async () => {
      throw new Error("inspect must never delete");
    },
  });
}

/** Runs `dlq inspect` on a (pretend) terminal and returns the progress texts its spinner drew, in order. */
async function spinnerTexts(flags: string[], count: number, approximate: string | undefined): Promise<string[]> {
  const frames: (() => void)[] = [];
  const frameDrawn = () => new Promise<void>((resolve) => frames.push(resolve));
  const run = await awsblog(["dlq", "inspect", "--queue-url", DLQ, "--concurrency", "1", ...flags], {
    tty: true,
    services: { sqs: async () => queueOf(count, approximate, frameDrawn) },
    onStderr: () => frames.splice(0).forEach((drawn) => drawn()),
  });
  expect(run.code, run.stderr).toBe(0);
  const texts = [...run.stderr.matchAll(/read [^…]*…/g)].map((m) => m[0]);
  return texts.filter((text, i) => text !== texts[i - 1]);
}

describe("dlq inspect progress on a terminal", () => {
  it("counts what it has read against SQS's approximate count", async () => {
    expect(await spinnerTexts([], 25, "25")).toEqual(["read 0 of ~25…", "read 10 of ~25…", "read 20 of ~25…", "read 25 of ~25…"]);
  });

  it("caps the expected count at --max", async () => {
    // The run ends as soon as --max is reached: the last count is not drawn, the summary follows.
    expect(await spinnerTexts(["--max", "12"], 25, "25")).toEqual(["read 0 of ~12…", "read 10 of ~12…"]);
  });

  it("never shows fewer expected than already read, and says 'at most' without a count", () => {
    expect(peekProgressText(100, "3")(10)).toBe("read 10 of ~10…");
    expect(peekProgressText(100, undefined)(10)).toBe("read 10 (at most 100)…");
  });
});
