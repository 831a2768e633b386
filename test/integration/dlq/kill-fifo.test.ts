import { spawn } from "node:child_process";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { expect, it } from "vitest";
import { BIN, testEnv } from "../../helpers/cli.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { createQueue, LAMBDA_FAILURES, requestId, sendFailures, sqsClient, visibleCount } from "./world.js";

const GROUPS = 4;
const PER_GROUP = 30;
const VISIBILITY = 3;

/** Reads a FIFO queue to the end, deleting as it goes (a FIFO group hands out more only after a delete). */
async function drainFifo(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let empty = 0; empty < 2; ) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0, MessageSystemAttributeNames: ["All"] }));
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      empty += 1;
      continue;
    }
    all.push(...messages);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
  }
  return all;
}

function redrive(url: string, dlq: string, work: string) {
  const child = spawn(process.execPath, [BIN, "dlq", "redrive", "--queue-url", dlq, "--to", work, "--visibility-timeout", String(VISIBILITY), "--endpoint-url", url], {
    env: testEnv(),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stderr })));
  return { child, exited };
}

describeWithMoto("FIFO dlq redrive killed mid-flight", (moto) => {
  it("kill -9, then a rerun: every message in the target exactly once, each group in its order", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "kill-dlq.fifo", { FifoQueue: "true" });
    const work = await createQueue(sqs, "kill-work.fifo", { FifoQueue: "true" });
    // Groups interleaved as they would arrive; n counts up within each group.
    const messages = Array.from({ length: GROUPS * PER_GROUP }, (_, i) => ({
      requestId: requestId(i),
      errorMessage: LAMBDA_FAILURES.timeout,
      body: JSON.stringify({ g: i % GROUPS, n: Math.floor(i / GROUPS) }),
      groupId: `g${i % GROUPS}`,
      deduplicationId: `src-${i}`,
    }));
    await sendFailures(sqs, dlq, messages);

    const first = redrive(moto().url, dlq, work);
    for (let moved = 0; moved < 30; ) {
      if (first.child.exitCode !== null) throw new Error(`redrive ended on its own (exit ${first.child.exitCode}) before it could be killed`);
      await new Promise((r) => setTimeout(r, 20));
      moved = (await visibleCount(sqs, work)).visible;
    }
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    // What the killed run had in hand comes back after its visibility timeout.
    const deadline = Date.now() + 30_000;
    while ((await visibleCount(sqs, dlq)).hidden > 0) {
      if (Date.now() > deadline) throw new Error("messages stayed hidden long after their visibility timeout");
      await new Promise((r) => setTimeout(r, 100));
    }
    const left = (await visibleCount(sqs, dlq)).visible;
    expect(left).toBeGreaterThan(0);

    // The rerun, well within the 5-minute deduplication window.
    const second = await redrive(moto().url, dlq, work).exited;
    expect(second.code, second.stderr).toBe(0);
    expect(await visibleCount(sqs, dlq)).toEqual({ visible: 0, hidden: 0 });

    const arrived = (await drainFifo(sqs, work)).map((m) => JSON.parse(m.Body!) as { g: number; n: number });
    // No loss, no duplicate…
    expect(arrived).toHaveLength(GROUPS * PER_GROUP);
    expect(new Set(arrived.map((a) => `${a.g}/${a.n}`)).size).toBe(GROUPS * PER_GROUP);
    // …and each group in its original order.
    for (let g = 0; g < GROUPS; g++) {
      expect(arrived.filter((a) => a.g === g).map((a) => a.n)).toEqual([...Array(PER_GROUP).keys()]);
    }
  }, 90_000);
});
