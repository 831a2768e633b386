import { expect, it } from "vitest";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { createSqsApi, type SqsApi } from "../../../src/lib/aws/sqs.js";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { createQueue, LAMBDA_FAILURES, requestId, sendFailures, sqsClient } from "./world.js";

const failure = (n: number, errorMessage: string = LAMBDA_FAILURES.timeout) => ({ requestId: requestId(n), errorMessage, body: JSON.stringify({ n }) });

/** The real SqsApi against moto, noting every receive and release the command makes, in order. */
async function recordingSqs(url: string) {
  const real = await createSqsApi(createAwsClientFactory({ region: "us-east-1", endpointUrl: url, userAgent: { name: "awsblog", version: "test" } }));
  const log: { op: "receive" | "release"; handles: string[]; ids?: string[]; timeout?: number }[] = [];
  const sqs: SqsApi = {
    ...real,
    async receive(queueUrl, options) {
      const got = await real.receive(queueUrl, options);
      log.push({ op: "receive", handles: got.map((m) => m.receiptHandle), ids: got.map((m) => m.messageId) });
      return got;
    },
    async changeVisibilityBatch(queueUrl, entries) {
      log.push({ op: "release", handles: entries.map((e) => e.receiptHandle), timeout: entries[0]?.visibilityTimeout });
      return real.changeVisibilityBatch(queueUrl, entries);
    },
  };
  return { sqs, log };
}

/** Resolves when stdout holds `count` lines. */
function lines(count: number) {
  let text = "";
  let wake: () => void = () => {};
  const reached = new Promise<void>((resolve) => (wake = resolve));
  return {
    onStdout(chunk: string) {
      text += chunk;
      if (text.split("\n").filter(Boolean).length >= count) wake();
    },
    reached,
    get all() {
      return text.split("\n").filter(Boolean);
    },
  };
}

describeWithMoto("dlq tail against moto", (moto) => {
  it("shows the backlog and each new arrival once (JSON Lines), releases each new one at once, ends 130 on Ctrl-C", async () => {
    const raw = sqsClient(moto().url);
    const dlq = await createQueue(raw, "tail-dlq");
    // More than one receive's worth of backlog: the tail must get past it to new arrivals.
    await sendFailures(raw, dlq, Array.from({ length: 14 }, (_, n) => failure(n)));
    const { sqs, log } = await recordingSqs(moto().url);
    const signals = interrupts();
    const backlog = lines(14);
    let out = "";
    const arrivals = lines(17);
    const running = awsblog(["dlq", "tail", "--queue-url", dlq, "--endpoint-url", moto().url, "-o", "json"], {
      services: { sqs: async () => sqs },
      interrupts: signals,
      onStdout: (chunk) => {
        out += chunk;
        backlog.onStdout(chunk);
        arrivals.onStdout(chunk);
      },
    });
    await backlog.reached;
    await sendFailures(raw, dlq, [failure(100, LAMBDA_FAILURES.crash), failure(101, LAMBDA_FAILURES.misconfig), failure(102)]);
    await arrivals.reached;
    signals.interrupt();
    const run = await running;
    expect(run.code).toBe(130);

    const shown = out.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { messageId: string; requestId: string; class: string; body: { n: number } });
    expect(shown).toHaveLength(17);
    expect(new Set(shown.map((m) => m.messageId)).size).toBe(17);
    expect(shown.slice(14).map((m) => [m.requestId, m.class])).toEqual([
      [requestId(100), "crash"],
      [requestId(101), "misconfig"],
      [requestId(102), "timeout"],
    ]);
    // Every message shown was released (visibility 0) with the handle it was received with, right after its receive.
    const released = new Set(log.filter((e) => e.op === "release" && e.timeout === 0).flatMap((e) => e.handles));
    for (let i = 0; i < log.length; i++) {
      const entry = log[i]!;
      if (entry.op !== "receive") continue;
      const firstSight = entry.ids!.map((id, k) => ({ id, handle: entry.handles[k]! })).filter(({ id }) => log.slice(0, i).every((e) => e.op !== "receive" || !e.ids!.includes(id)));
      for (const { handle } of firstSight) expect(released.has(handle)).toBe(true);
      if (firstSight.length > 0) expect(log[i + 1]?.op).toBe("release");
    }
  }, 60_000);

  it("--for ends the tail by itself with exit 0; text lines carry class, request id and error", async () => {
    const raw = sqsClient(moto().url);
    const dlq = await createQueue(raw, "tail-for");
    await sendFailures(raw, dlq, [failure(1, LAMBDA_FAILURES.misconfig)]);
    const run = await awsblog(["dlq", "tail", "--queue-url", dlq, "--for", "2s", "--endpoint-url", moto().url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(run.stdout).toMatch(new RegExp(`misconfig\\s+1\\s+${requestId(1)}\\s+Cannot find module`));
    expect(run.stderr).toMatch(/1 message\(s\) shown \(misconfig 1\)/);
  }, 30_000);

  it("a bad --for is a one-line usage error", async () => {
    for (const bad of ["", "soon", "0s", "-5m", "5x", "2d"]) {
      const run = await awsblog(["dlq", "tail", "--queue-url", "https://sqs.us-east-1.amazonaws.com/1/q", "--for", bad]);
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toMatch(/^awsblog: --for must be a duration/);
    }
  });
});
