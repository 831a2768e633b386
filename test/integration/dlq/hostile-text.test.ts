import { describe, expect, it } from "vitest";
import type { LogsApi } from "../../../src/lib/aws/logs.js";
import type { QueueMessage, SqsApi } from "../../../src/lib/aws/sqs.js";
import { sanitizeForTerminal } from "../../../src/lib/terminal.js";
import { awsblog } from "../../helpers/in-process.js";
import { fakeApi } from "../../helpers/fake-api.js";

const DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/fn-dlq";
const WORK = "https://sqs.us-east-1.amazonaws.com/123456789012/work";
const REQUEST = "0f0e3a1b-aaaa-4bbb-8ccc-000000000001";

// What anyone allowed to send to the DLQ (or make the function log) can plant: a window title
// (OSC), a screen clear and cursor move (CSI), an 8-bit CSI, a carriage return that hides what
// came before, a bell, and a hyperlink.
const HOSTILE = "\x1b]0;pwned\x07Error: \x1b[2J\x1b[Hboom\x9b31m red\r\x07 \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\";
/** Anything a terminal acts on: C0 except \t and \n, DEL, C1 (ESC is C0). */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

function message(n: number): QueueMessage {
  return {
    messageId: `m${n}`,
    receiptHandle: `h${n}`,
    body: JSON.stringify({ n }),
    attributes: { SentTimestamp: "1764028800000", ApproximateReceiveCount: "1" },
    messageAttributes: {
      RequestID: { dataType: "String", stringValue: `${REQUEST}` },
      ErrorCode: { dataType: "String", stringValue: "200" },
      ErrorMessage: { dataType: "String", stringValue: HOSTILE },
    },
  };
}

function fakeSqs(sendError?: string): SqsApi {
  let given = false;
  const ok = (entries: { id: string }[]) => ({ succeeded: entries.map((e) => e.id), failed: [] });
  return fakeApi<SqsApi>("sqs", {
    async getQueueAttributes() {
      return {};
    },
    async receive() {
      if (given) return [];
      given = true;
      return [message(1)];
    },
    async changeVisibilityBatch(_url, entries) {
      return ok(entries);
    },
    async sendBatch(_url, entries) {
      if (!sendError) return ok(entries);
      return { succeeded: [], failed: entries.map((e) => ({ id: e.id, code: "InvalidMessageContents", message: sendError, senderFault: true })) };
    },
    async deleteBatch(_url, entries) {
      return ok(entries);
    },
  });
}

const logs: LogsApi = {
  async filterLogEventsPage() {
    return { events: [{ timestamp: Date.parse("2026-11-25T00:00:10Z"), message: `${REQUEST}\tERROR\t${HOSTILE}`, logStreamName: "s" }] };
  },
};

describe("text echoed from a DLQ is made inert", () => {
  it("dlq inspect strips control sequences from error messages and log lines in text mode", async () => {
    const run = await awsblog(["dlq", "inspect", "--queue-url", DLQ, "--function", "thumbnailer", "--logs"], {
      services: { sqs: async () => fakeSqs(), logs: async () => logs },
      now: () => new Date("2026-11-25T01:00:00Z"),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(CONTROLS);
    expect(run.stdout).toMatch(new RegExp(`^handler-error .* ${REQUEST} +Error: boom red click$`, "m"));
    expect(run.stdout).toContain(`  ${REQUEST}\tERROR\tError: boom red\n click\n`);
  });

  it("keeps the exact text in JSON (escaped by JSON itself)", async () => {
    const run = await awsblog(["dlq", "inspect", "--queue-url", DLQ, "-o", "json"], { services: { sqs: async () => fakeSqs() } });
    expect(run.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(run.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/); // JSON escapes C0 (C1 is JSON's business: kept as data)
    expect(run.json<{ messages: { errorMessage: string }[] }>().messages[0]?.errorMessage).toBe(HOSTILE);
  });

  it("dlq redrive strips them from failure messages in text mode", async () => {
    const run = await awsblog(["dlq", "redrive", "--queue-url", DLQ, "--to", WORK], { services: { sqs: async () => fakeSqs(HOSTILE), sleep: async () => {} } });
    expect(run.code).toBe(4);
    expect(run.stdout).not.toMatch(CONTROLS);
    expect(run.stdout).toMatch(/^m1 +handler-error +send +InvalidMessageContents +Error: boom red click$/m);
  });
});

describe("sanitizeForTerminal", () => {
  it("removes CSI, OSC, other escapes, 8-bit controls and C0 except newline and tab", () => {
    expect(sanitizeForTerminal(HOSTILE)).toBe("Error: boom red\n click");
    expect(sanitizeForTerminal("a\tb\nc\x00d\x7fef\x1b7g\x1bch\x85i\x1b")).toBe("a\tb\ncdefghi");
    expect(sanitizeForTerminal("plain ünïcødé ✓")).toBe("plain ünïcødé ✓");
  });

  it("caps at maxChars with an ellipsis, counting code points", () => {
    expect(sanitizeForTerminal("abcdef", 4)).toBe("abc…");
    expect(sanitizeForTerminal("ab😀😀😀", 4)).toBe("ab😀…");
    expect(sanitizeForTerminal("abc", 3)).toBe("abc");
  });
});
