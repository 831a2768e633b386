import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { BIN, testEnv } from "../../helpers/cli.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { createQueue, drain, LAMBDA_FAILURES, requestId, sendFailures, sqsClient, visibleCount } from "./arrange.js";

const TOTAL = 200;
const VISIBILITY = 3;

describeWithMoto("dlq redrive killed mid-flight", (moto) => {
  it("loses no message: every original is still in the DLQ, the target, or both", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "kill-dlq");
    const work = await createQueue(sqs, "kill-work");
    await sendFailures(
      sqs,
      dlq,
      Array.from({ length: TOTAL }, (_, n) => ({ requestId: requestId(n), errorMessage: LAMBDA_FAILURES.timeout, body: JSON.stringify({ n }) })),
    );

    const child = spawn(
      process.execPath,
      [BIN, "dlq", "redrive", "--queue-url", dlq, "--to", work, "--visibility-timeout", String(VISIBILITY), "--endpoint-url", moto().url],
      { env: testEnv(), stdio: "ignore" },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    // Kill once some batches have landed in the target: sends, deletes and receives are in flight.
    for (let moved = 0; moved < 30; ) {
      if (child.exitCode !== null) throw new Error(`redrive ended on its own (exit ${child.exitCode}) before it could be killed`);
      await new Promise((r) => setTimeout(r, 20));
      moved = (await visibleCount(sqs, work)).visible;
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    // Messages the killed run had received come back after their visibility timeout.
    await new Promise((r) => setTimeout(r, (VISIBILITY + 1) * 1000));
    const inTarget = await drain(sqs, work);
    const inDlq = await drain(sqs, dlq);
    const ids = (list: typeof inTarget) => list.map((m) => (JSON.parse(m.Body as string) as { n: number }).n);
    const everywhere = new Set([...ids(inTarget), ...ids(inDlq)]);
    expect(everywhere.size).toBe(TOTAL);
    // The kill really was mid-flight: some moved, some not yet.
    expect(inTarget.length).toBeGreaterThanOrEqual(30);
    expect(inDlq.length).toBeGreaterThan(0);
  }, 60_000);
});
