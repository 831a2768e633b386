import { expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { createQueue, drain, LAMBDA_FAILURES, requestId, sendFailures, sqsClient, type LambdaFailure } from "./world.js";

interface Redriven {
  moved: number;
  failed: number;
  skipped: number;
  planned: number;
  failures: unknown[];
  byClass: Record<string, number>;
  dryRun: boolean;
}

const binary = Uint8Array.from([0, 1, 2, 250, 255]);

function failures(count: number, errorOf: (i: number) => string, extra = true): LambdaFailure[] {
  return Array.from({ length: count }, (_, i) => ({
    requestId: requestId(i + 1),
    errorMessage: errorOf(i),
    body: JSON.stringify({ n: i, text: "ünïcødé ✓" }),
    extra: extra
      ? {
          Tenant: { DataType: "String", StringValue: `t-${i}` },
          Attempt: { DataType: "Number", StringValue: "3" },
          Size: { DataType: "Number.int", StringValue: String(1000 + i) },
          Thumb: { DataType: "Binary", BinaryValue: binary },
          Raw: { DataType: "Binary.png", BinaryValue: binary },
        }
      : undefined,
  }));
}

describeWithMoto("dlq redrive against moto", (moto) => {
  it("moves only the chosen class with body and every attribute type intact, and releases the rest at once", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "redrive-dlq");
    const work = await createQueue(sqs, "redrive-work");
    // 13 timeouts (even n) and 12 handler errors (odd n), interleaved.
    await sendFailures(sqs, dlq, failures(25, (i) => (i % 2 === 0 ? LAMBDA_FAILURES.timeout : LAMBDA_FAILURES.handler)));

    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work, "--class", "timeout", "--endpoint-url", moto().url, "-o", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.json<Redriven>()).toMatchObject({ moved: 13, failed: 0, skipped: 12, failures: [], byClass: { timeout: 13 }, dryRun: false });

    const moved = await drain(sqs, work);
    expect(moved).toHaveLength(13);
    for (const m of moved) {
      const n = (JSON.parse(m.Body as string) as { n: number }).n;
      expect(n % 2).toBe(0);
      expect(m.Body).toBe(JSON.stringify({ n, text: "ünïcødé ✓" }));
      const a = m.MessageAttributes ?? {};
      expect(a.RequestID).toMatchObject({ DataType: "String", StringValue: requestId(n + 1) });
      expect(a.ErrorMessage?.StringValue).toBe(LAMBDA_FAILURES.timeout);
      expect(a.Tenant).toMatchObject({ DataType: "String", StringValue: `t-${n}` });
      expect(a.Attempt).toMatchObject({ DataType: "Number", StringValue: "3" });
      expect(a.Size).toMatchObject({ DataType: "Number.int", StringValue: String(1000 + n) });
      expect(a.Thumb?.DataType).toBe("Binary");
      expect(Buffer.from(a.Thumb?.BinaryValue ?? [])).toEqual(Buffer.from(binary));
      expect(a.Raw?.DataType).toBe("Binary.png");
    }
    // The 12 handler errors were released, not left hidden: receivable right now.
    const left = await drain(sqs, dlq);
    expect(left).toHaveLength(12);
    expect(left.every((m) => m.MessageAttributes?.ErrorMessage?.StringValue === LAMBDA_FAILURES.handler)).toBe(true);
  });

  it("--dry-run plans, moves nothing, and leaves every message visible", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "dry-dlq");
    const work = await createQueue(sqs, "dry-work");
    await sendFailures(sqs, dlq, failures(15, (i) => (i < 5 ? LAMBDA_FAILURES.misconfig : LAMBDA_FAILURES.crash), false));
    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work, "--class", "misconfig,crash", "--dry-run", "--endpoint-url", moto().url, "-o", "json"]);
    expect(run.code).toBe(0);
    expect(run.json<Redriven>()).toMatchObject({ moved: 0, planned: 15, skipped: 0, dryRun: true, byClass: { misconfig: 5, crash: 10 } });
    expect(await drain(sqs, work)).toHaveLength(0);
    expect(await drain(sqs, dlq)).toHaveLength(15);
  });

  it("honours --max and says so in text", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "max-dlq");
    const work = await createQueue(sqs, "max-work");
    await sendFailures(sqs, dlq, failures(23, () => LAMBDA_FAILURES.handler, false));
    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work, "--max", "7", "--endpoint-url", moto().url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`moved 7 message(s) to ${work} (handler-error 7); failed 0; skipped 0\n`);
    expect(await drain(sqs, work)).toHaveLength(7);
    expect(await drain(sqs, dlq)).toHaveLength(16);
  });

  it("--max counts the messages moved, not the ones a --class filter skips", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "max-class-dlq");
    const work = await createQueue(sqs, "max-class-work");
    // 3 misconfigurations among 13, behind 10 handler errors.
    await sendFailures(sqs, dlq, failures(13, (i) => (i < 10 ? LAMBDA_FAILURES.handler : LAMBDA_FAILURES.misconfig), false));
    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work, "--class", "misconfig", "--max", "2", "--endpoint-url", moto().url, "-o", "json"]);
    expect(run.code).toBe(0);
    expect(run.json<Redriven>()).toMatchObject({ moved: 2, failed: 0, byClass: { misconfig: 2 } });
    const moved = await drain(sqs, work);
    expect(moved.map((m) => m.MessageAttributes?.ErrorMessage?.StringValue)).toEqual([LAMBDA_FAILURES.misconfig, LAMBDA_FAILURES.misconfig]);
    const left = await drain(sqs, dlq);
    expect(left).toHaveLength(11);
    expect(left.filter((m) => m.MessageAttributes?.ErrorMessage?.StringValue === LAMBDA_FAILURES.misconfig)).toHaveLength(1);
  });

  it("FIFO: keeps groups and their order, and gives each message its own deduplication id derived from its DLQ message id", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "orders-dlq.fifo", { FifoQueue: "true" });
    const work = await createQueue(sqs, "orders.fifo", { FifoQueue: "true" });
    await sendFailures(
      sqs,
      dlq,
      failures(6, () => LAMBDA_FAILURES.timeout, false).map((f, i) => ({ ...f, groupId: `customer-${i % 2}`, deduplicationId: `order-${i}` })),
    );
    await sendFailures(sqs, dlq, [{ ...failures(7, () => LAMBDA_FAILURES.timeout, false)[6]!, groupId: "customer-0", deduplicationId: "order-6" }]);
    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work, "--endpoint-url", moto().url, "-o", "json"]);
    expect(run.code).toBe(0);
    expect(run.json<Redriven>().moved).toBe(7);
    const moved = await drain(sqs, work);
    expect(moved).toHaveLength(7);
    for (const m of moved) {
      const n = (JSON.parse(m.Body as string) as { n: number }).n;
      expect(m.Attributes?.MessageGroupId).toBe(`customer-${n % 2}`);
      expect(m.Attributes?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(moved.map((m) => m.Attributes?.MessageDeduplicationId)).size).toBe(7);
    // Order within a group survives the move.
    const group0 = moved.filter((m) => m.Attributes?.MessageGroupId === "customer-0").map((m) => (JSON.parse(m.Body as string) as { n: number }).n);
    expect(group0).toEqual([0, 2, 4, 6]);
    expect(await drain(sqs, dlq)).toHaveLength(0);
  });

  it("refuses bad flags with exit 2 before touching any queue", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "flags-dlq");
    await sendFailures(sqs, dlq, failures(3, () => LAMBDA_FAILURES.handler, false));
    const cases: [string[], RegExp][] = [
      [["--to", dlq, "--invoke", "fn"], /exactly one of --to <queue-url\|topic-arn> or --invoke/],
      [[], /exactly one of --to/],
      [["--to", dlq], /--to is the DLQ itself/],
      [["--invoke", "fn", "--class", "oops"], /--class "oops" is not a failure class — use one of: timeout, crash, misconfig, handler-error, unknown/],
      [["--to", "my-queue"], /--to is not a URL/],
      [["--invoke", "fn", "--max", "0"], /--max must be a whole number/],
    ];
    for (const [flags, message] of cases) {
      const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, ...flags, "--endpoint-url", moto().url]);
      expect(run.code, flags.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.split("\n")).toHaveLength(2);
    }
    expect(await drain(sqs, dlq)).toHaveLength(3);
  });

  it("stops before taking anything when the target queue does not exist", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "nowhere-dlq");
    await sendFailures(sqs, dlq, failures(3, () => LAMBDA_FAILURES.handler, false));
    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", `${moto().url}/123456789012/missing`, "--endpoint-url", moto().url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/GetQueueAttributes failed: .* — check the URL and --region/);
    expect(await drain(sqs, dlq)).toHaveLength(3);
  });
});
