import { spawn } from "node:child_process";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { expect, it } from "vitest";
import { BIN, testEnv } from "../../helpers/cli.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { createQueue, drain, LAMBDA_FAILURES, requestId, sendFailures, sqsClient, visibleCount } from "./world.js";

const TOTAL = 120;
const VISIBILITY = 3;

async function arrange(sqs: SQSClient, prefix: string) {
  const dlq = await createQueue(sqs, `${prefix}-dlq`);
  const work = await createQueue(sqs, `${prefix}-work`);
  await sendFailures(
    sqs,
    dlq,
    Array.from({ length: TOTAL }, (_, n) => ({ requestId: requestId(n), errorMessage: LAMBDA_FAILURES.timeout, body: JSON.stringify({ n }) })),
  );
  return { dlq, work };
}

function startRedrive(url: string, dlq: string, work: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [BIN, "dlq", "redrive", "--queue-url", dlq, "--to", work, "--visibility-timeout", String(VISIBILITY), "--endpoint-url", url, ...extra],
    { env: testEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout })),
  );
  return { child, exited };
}

/** Waits until some batches have landed in the target: sends, deletes and receives are in flight. */
async function waitForMoved(sqs: SQSClient, work: string, child: ReturnType<typeof spawn>, atLeast: number) {
  for (let moved = 0; moved < atLeast; ) {
    if (child.exitCode !== null) throw new Error(`redrive ended on its own (exit ${child.exitCode}) before it could be stopped`);
    await new Promise((r) => setTimeout(r, 20));
    moved = (await visibleCount(sqs, work)).visible;
  }
}

/** Polls until SQS shows every message of the queue again (the killed run's hidden ones time out). */
async function untilNoneHidden(sqs: SQSClient, queueUrl: string) {
  const deadline = Date.now() + (VISIBILITY + 20) * 1000;
  while ((await visibleCount(sqs, queueUrl)).hidden > 0) {
    if (Date.now() > deadline) throw new Error("messages stayed hidden long after their visibility timeout");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const bodyIds = (list: { Body?: string }[]) => list.map((m) => (JSON.parse(m.Body as string) as { n: number }).n);

describeWithMoto("dlq redrive stopped mid-flight", (moto) => {
  it("Ctrl-C: finishes the batches in hand, leaves nothing hidden, prints the counts and exits 130", async () => {
    const sqs = sqsClient(moto().url);
    const { dlq, work } = await arrange(sqs, "sigint");
    const { child, exited } = startRedrive(moto().url, dlq, work, ["-o", "json"]);
    await waitForMoved(sqs, work, child, 20);
    child.kill("SIGINT");
    const { code, stdout } = await exited;
    expect(code).toBe(130);
    const report = JSON.parse(stdout) as { moved: number; failed: number };
    expect(report.failed).toBe(0);
    // No waiting for visibility timeouts: every received message was sent+deleted or released.
    expect(await visibleCount(sqs, dlq)).toEqual({ visible: TOTAL - report.moved, hidden: 0 });
    const inTarget = await drain(sqs, work);
    expect(inTarget).toHaveLength(report.moved);
    const inDlq = await drain(sqs, dlq);
    expect(new Set([...bodyIds(inTarget), ...bodyIds(inDlq)]).size).toBe(TOTAL);
    expect(inDlq.length).toBeGreaterThan(0);
  }, 60_000);

  it("SIGKILL loses no message: every original is still in the DLQ, the target, or both", async () => {
    const sqs = sqsClient(moto().url);
    const { dlq, work } = await arrange(sqs, "kill");
    const { child, exited } = startRedrive(moto().url, dlq, work);
    await waitForMoved(sqs, work, child, 20);
    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");

    // Messages the killed run had received come back after their visibility timeout.
    await untilNoneHidden(sqs, dlq);
    const inTarget = await drain(sqs, work);
    const inDlq = await drain(sqs, dlq);
    expect(new Set([...bodyIds(inTarget), ...bodyIds(inDlq)]).size).toBe(TOTAL);
    // The kill really was mid-flight: some moved, some not yet.
    expect(inTarget.length).toBeGreaterThanOrEqual(20);
    expect(inDlq.length).toBeGreaterThan(0);
  }, 60_000);

  it("SIGKILL during --keep (and --rate) deletes nothing: the DLQ still holds every message", async () => {
    const sqs = sqsClient(moto().url);
    const { dlq, work } = await arrange(sqs, "kill-keep");
    const { child, exited } = startRedrive(moto().url, dlq, work, ["--keep", "--rate", "50"]);
    await waitForMoved(sqs, work, child, 20);
    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");
    await untilNoneHidden(sqs, dlq);
    const inDlq = await drain(sqs, dlq);
    expect(new Set(bodyIds(inDlq)).size).toBe(TOTAL);
    expect((await drain(sqs, work)).length).toBeGreaterThanOrEqual(20);
  }, 60_000);
});
