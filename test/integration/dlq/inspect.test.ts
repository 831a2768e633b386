import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { createQueue, drain, LAMBDA_FAILURES, requestId, sendFailures, sqsClient } from "./world.js";

interface Inspected {
  messages: { messageId: string; requestId: string | null; errorCode: string | null; errorMessage: string | null; class: string; timeoutSeconds?: number; body: unknown; sentAt: string; receiveCount: number; logs?: string[] }[];
  summary: Record<string, number>;
  logsError?: string;
}

describeWithMoto("dlq inspect against moto", (moto) => {
  async function arrangeEveryClass(name: string, attributes: Record<string, string> = {}) {
    const sqs = sqsClient(moto().url);
    const url = await createQueue(sqs, name, attributes);
    const errors = [LAMBDA_FAILURES.timeout, LAMBDA_FAILURES.crash, LAMBDA_FAILURES.oom, LAMBDA_FAILURES.misconfig, LAMBDA_FAILURES.handler];
    await sendFailures(sqs, url, errors.map((errorMessage, i) => ({ requestId: requestId(i + 1), errorMessage, body: JSON.stringify({ key: `img-${i + 1}.jpg` }) })));
    // Not from Lambda at all: no error attributes, a plain-text body.
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "hello" }));
    return { sqs, url };
  }

  it("classifies every kind of Lambda failure, deletes nothing and makes every message visible again at once", async () => {
    const { sqs, url } = await arrangeEveryClass("every-class-dlq");
    const run = await awsblog(["dlq", "inspect", "--queue-url", url, "--endpoint-url", moto().url, "-o", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = run.json<Inspected>();
    expect(result.summary).toEqual({ timeout: 1, crash: 2, misconfig: 1, "handler-error": 1, unknown: 1 });
    const byRequest = new Map(result.messages.map((m) => [m.requestId, m]));
    expect(byRequest.get(requestId(1))).toMatchObject({ class: "timeout", timeoutSeconds: 300, errorCode: "200", body: { key: "img-1.jpg" }, receiveCount: 1 });
    expect(byRequest.get(requestId(2))?.class).toBe("crash");
    expect(byRequest.get(requestId(3))?.class).toBe("crash");
    expect(byRequest.get(requestId(4))?.class).toBe("misconfig");
    expect(byRequest.get(requestId(5))).toMatchObject({ class: "handler-error", errorMessage: LAMBDA_FAILURES.handler });
    expect(byRequest.get(null)).toMatchObject({ class: "unknown", body: "hello", errorMessage: null });
    for (const m of result.messages) expect(Date.parse(m.sentAt)).toBeGreaterThan(Date.now() - 60_000);

    // Receive again immediately: all six are there, none still hidden by the inspect.
    const again = await drain(sqs, url);
    expect(again.map((m) => m.MessageId).sort()).toEqual(result.messages.map((m) => m.messageId).sort());
  });

  it("prints a per-class summary and a table, and exits 3 with --fail-if-any", async () => {
    const { url } = await arrangeEveryClass("text-dlq");
    const run = await awsblog(["dlq", "inspect", "--queue-url", url, "--endpoint-url", moto().url, "--fail-if-any"]);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^6 message\(s\) from /);
    expect(run.stdout).toMatch(/^ {2}crash +2 /m);
    expect(run.stdout).toMatch(/^CLASS +SENT AT +RECV +REQUEST ID +ERROR$/m);
    expect(run.stdout).toContain(`timeout  `);
    expect(run.stdout).toContain("Task timed out after 300.00 seconds");
  });

  it("exits 0 with --fail-if-any on an empty queue, and honours --max", async () => {
    const sqs = sqsClient(moto().url);
    const empty = await createQueue(sqs, "empty-dlq");
    const none = await awsblog(["dlq", "inspect", "--queue-url", empty, "--endpoint-url", moto().url, "--fail-if-any", "-o", "json"]);
    expect(none.code).toBe(0);
    expect(none.json<Inspected>().messages).toEqual([]);

    const { url } = await arrangeEveryClass("max-dlq");
    const some = await awsblog(["dlq", "inspect", "--queue-url", url, "--endpoint-url", moto().url, "--max", "2", "-o", "json"]);
    expect(some.json<Inspected>().messages).toHaveLength(2);
    expect(await drain(sqs, url)).toHaveLength(6);
  });

  it("warns that reads count towards the DLQ's own redrive policy", async () => {
    const sqs = sqsClient(moto().url);
    await createQueue(sqs, "dlq-of-dlq");
    const { url } = await arrangeEveryClass("dlq-with-policy", {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:dlq-of-dlq", maxReceiveCount: "3" }),
    });
    const run = await awsblog(["dlq", "inspect", "--queue-url", url, "--endpoint-url", moto().url, "-o", "json"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: this queue has its own RedrivePolicy \(maxReceiveCount 3\)/);
  });

  it("attaches each request's CloudWatch Logs lines with --logs", async () => {
    const { url } = await arrangeEveryClass("logs-dlq");
    const logs = new CloudWatchLogsClient(motoClientConfig(moto().url));
    const group = "/aws/lambda/thumbnailer";
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: "2026/11/25/[$LATEST]abc" }));
    const t = Date.now() - 120_000;
    const lines = [
      `START RequestId: ${requestId(1)} Version: $LATEST`,
      `2026-11-25T00:00:01.000Z\t${requestId(1)}\tINFO\tresizing img-1.jpg`,
      `2026-11-25T00:05:01.000Z ${requestId(1)} Task timed out after 300.00 seconds`,
      `START RequestId: ${requestId(99)} Version: $LATEST`,
      `REPORT RequestId: ${requestId(3)}\tDuration: 812.00 ms\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory`,
    ];
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: "2026/11/25/[$LATEST]abc",
        logEvents: lines.map((message, i) => ({ timestamp: t + i, message })),
      }),
    );
    const run = await awsblog(["dlq", "inspect", "--queue-url", url, "--endpoint-url", moto().url, "--function", "thumbnailer", "--logs", "-o", "json"]);
    expect(run.code).toBe(0);
    const result = run.json<Inspected>();
    const byRequest = new Map(result.messages.map((m) => [m.requestId, m]));
    expect(byRequest.get(requestId(1))?.logs).toEqual(lines.slice(0, 3));
    expect(byRequest.get(requestId(3))?.logs).toEqual([lines[4]]);
    expect(byRequest.get(requestId(2))?.logs).toEqual([]);
    expect(byRequest.get(null)?.logs).toBeUndefined();
  });

  it("says which log group is missing and still reports the messages", async () => {
    const { url } = await arrangeEveryClass("nologs-dlq");
    const run = await awsblog(["dlq", "inspect", "--queue-url", url, "--endpoint-url", moto().url, "--function", "ghost", "--logs", "-o", "json"]);
    expect(run.code).toBe(0);
    expect(run.json<Inspected>().messages).toHaveLength(6);
    expect(run.stderr).toMatch(/log group \/aws\/lambda\/ghost not found/);
  });

  it("fails with exit 1 and a hint when the queue does not exist", async () => {
    const run = await awsblog(["dlq", "inspect", "--queue-url", `${moto().url}/123456789012/nope`, "--endpoint-url", moto().url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: SQS GetQueueAttributes failed: .*(NonExistentQueue|QueueDoesNotExist).* — check the URL and --region\n$/);
  });
});
