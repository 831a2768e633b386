import { expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { virtualClock } from "../../unit/dlq/memory-queue.js";
import { createQueue, drain, LAMBDA_FAILURES, requestId, sendFailures, sqsClient, visibleCount } from "./world.js";

const failures = (count: number) =>
  Array.from({ length: count }, (_, n) => ({ requestId: requestId(n), errorMessage: LAMBDA_FAILURES.timeout, body: JSON.stringify({ n }) }));
const bodies = (list: { Body?: string }[]) => list.map((m) => (JSON.parse(m.Body as string) as { n: number }).n).sort((a, b) => a - b);

describeWithMoto("dlq redrive --keep and --rate against moto", (moto) => {
  it("--keep copies every message to the target and the DLQ keeps all of them, visible at once", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "keep-dlq");
    const work = await createQueue(sqs, "keep-work");
    await sendFailures(sqs, dlq, failures(35));
    const calls = new Map<string, number>();
    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work, "--keep", "--endpoint-url", moto().url, "-o", "json"], {
      onCalls: (c) => c.forEach((n, k) => calls.set(k, n)),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.json<{ moved: number; kept: boolean }>()).toMatchObject({ moved: 35, kept: true, failed: 0 });
    expect(calls.get("SQS.DeleteMessageBatch") ?? 0).toBe(0);
    // Nothing left hidden: every original is receivable right now, and each copy arrived once.
    expect(await visibleCount(sqs, dlq)).toEqual({ visible: 35, hidden: 0 });
    expect(bodies(await drain(sqs, work))).toEqual([...Array(35).keys()]);
    expect(bodies(await drain(sqs, dlq))).toEqual([...Array(35).keys()]);
  });

  it("--keep refuses --dry-run and FIFO DLQs before any call", async () => {
    const url = "https://sqs.us-east-1.amazonaws.com/123456789012/dlq";
    const dry = await awsblog(["dlq", "redrive", "--queue-url", url, "--to", `${url}-2`, "--keep", "--dry-run", "--endpoint-url", "http://127.0.0.1:9"]);
    expect(dry.code).toBe(2);
    const fifo = await awsblog(["dlq", "redrive", "--queue-url", `${url}.fifo`, "--to", `${url}-2.fifo`, "--keep", "--endpoint-url", "http://127.0.0.1:9"]);
    expect(fifo.code).toBe(2);
    expect(fifo.stderr).toMatch(/^awsblog: --keep cannot copy a FIFO DLQ — /);
  });

  it("--rate 5 --concurrency 4 paces the whole run on the steady clock: 30 messages take ~5.4 s", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "rate-dlq");
    const work = await createQueue(sqs, "rate-work");
    await sendFailures(sqs, dlq, failures(30));
    const clock = virtualClock();
    const calls = new Map<string, number>();
    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work, "--rate", "5", "--concurrency", "4", "--endpoint-url", moto().url, "-o", "json"], {
      services: { monotonicNow: clock.now, sleep: clock.sleep },
      onCalls: (c) => c.forEach((n, k) => calls.set(k, n)),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<{ moved: number }>().moved).toBe(30);
    // 10 batches of 3, one every 0.6 s: the last starts at 5.4 s whatever the worker count;
    // at most one slot more per worker for the receives that found the queue empty. (The
    // virtual clock runs ahead while calls are in flight; test/unit/dlq/redrive-rate-keep
    // checks the spacing exactly, bench/dlq measures it on the wall clock.)
    expect(clock.now()).toBeGreaterThanOrEqual(5_400);
    expect(clock.now()).toBeLessThanOrEqual(5_400 + 4 * 600);
    expect(calls.get("SQS.SendMessageBatch")).toBeGreaterThanOrEqual(10);
    expect(bodies(await drain(sqs, work))).toEqual([...Array(30).keys()]);
  });

  it("--rate rejects zero, negatives and words with exit 2", async () => {
    for (const bad of ["0", "-1", "fast", "1e3", "5000"]) {
      const run = await awsblog(["dlq", "redrive", "--queue-url", "https://sqs.us-east-1.amazonaws.com/1/q", "--to", "https://sqs.us-east-1.amazonaws.com/1/w", "--rate", bad]);
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toMatch(/^awsblog: --rate must be/);
    }
  });
});
