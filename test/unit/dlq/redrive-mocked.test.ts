import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { AwsError } from "../../../src/lib/errors.js";
import { awsblog, interrupts, type InProcessOptions } from "../../helpers/in-process.js";

const DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/fn-dlq";
const WORK = "https://sqs.us-east-1.amazonaws.com/123456789012/work";
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
// Test files share worker processes: put the real send() back for the next file.
afterAll(() => {
  sqs.restore();
  lambda.restore();
});
const noSleep = async () => {};

type RedriveData = { moved: number; failed: number; skipped: number; failures: unknown[]; stoppedBy?: string };

/** `awsblog dlq redrive --queue-url DLQ <flags> -o json` in-process; backoff waits are instant unless `options.services` says otherwise. */
async function redrive(flags: string[], options: InProcessOptions = {}) {
  const run = await awsblog(["dlq", "redrive", "--queue-url", DLQ, ...flags, "-o", "json"], { ...options, services: { sleep: noSleep, ...options.services } });
  return { code: run.code, stderr: run.stderr, data: run.json<RedriveData>() };
}

function lambdaMessage(n: number, body = JSON.stringify({ n })): Message {
  return {
    MessageId: `id-${n}`,
    ReceiptHandle: `handle-${n}`,
    Body: body,
    Attributes: { SentTimestamp: "1764028800000", ApproximateReceiveCount: "1" },
    MessageAttributes: {
      RequestID: { DataType: "String", StringValue: `req-${n}` },
      ErrorCode: { DataType: "String", StringValue: "200" },
      ErrorMessage: { DataType: "String", StringValue: "Error: boom" },
    },
  };
}

const handlesOf = (calls: { args: [{ input: object }] }[]) =>
  calls.flatMap((c) => ((c.args[0].input as { Entries: { ReceiptHandle: string }[] }).Entries ?? []).map((e) => e.ReceiptHandle));

beforeEach(() => {
  sqs.reset();
  lambda.reset();
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
  sqs.on(ChangeMessageVisibilityBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] }));
  sqs.on(DeleteMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] }));
});
afterEach(() => {
  sqs.reset();
  lambda.reset();
});

describe("redrive --to with partial SendMessageBatch failures", () => {
  it("deletes only the entries SQS accepted, releases and lists the refused one, exit 4", async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [0, 1, 2].map((n) => lambdaMessage(n)) }).resolves({ Messages: [] });
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: "m0", MessageId: "x", MD5OfMessageBody: "" }, { Id: "m2", MessageId: "y", MD5OfMessageBody: "" }],
      Failed: [{ Id: "m1", SenderFault: true, Code: "InvalidMessageContents", Message: "Invalid characters" }],
    });
    const result = await redrive(["--to", WORK, "--concurrency", "1"]);

    expect(result.code).toBe(4);
    expect(result.data).toMatchObject({ moved: 2, failed: 1, skipped: 0 });
    expect(result.data.failures).toEqual([
      { messageId: "id-1", requestId: "req-1", class: "handler-error", stage: "send", code: "InvalidMessageContents", error: "Invalid characters" },
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1); // sender fault: not retried
    expect(handlesOf(sqs.commandCalls(DeleteMessageBatchCommand) as never)).toEqual(["handle-0", "handle-2"]);
    const released = sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input;
    expect(released).toEqual({ QueueUrl: DLQ, Entries: [{ Id: "r0", ReceiptHandle: "handle-1", VisibilityTimeout: 0 }] });
    // The receive asked for everything the send must carry.
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: DLQ,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ["All"],
      MessageSystemAttributeNames: ["All"],
    });
  });

  it("retries entries that failed on AWS's side, then moves them", async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [0, 1, 2].map((n) => lambdaMessage(n)) }).resolves({ Messages: [] });
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [{ Id: "m0", MessageId: "a", MD5OfMessageBody: "" }], Failed: [{ Id: "m1", SenderFault: false, Code: "InternalError" }] })
      .callsFake((input: { Entries: { Id: string }[] }) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: "b", MD5OfMessageBody: "" })), Failed: [] }));
    const result = await redrive(["--to", WORK, "--concurrency", "1"]);

    // m2 was in neither list of the first answer: never assumed sent, retried with m1.
    const sends = sqs.commandCalls(SendMessageBatchCommand).map((c) => (c.args[0].input.Entries ?? []).map((e) => e.MessageBody));
    expect(sends).toEqual([[JSON.stringify({ n: 0 }), JSON.stringify({ n: 1 }), JSON.stringify({ n: 2 })], [JSON.stringify({ n: 1 }), JSON.stringify({ n: 2 })]]);
    expect(result.code).toBe(0);
    expect(result.data).toMatchObject({ moved: 3, failed: 0 });
    expect(handlesOf(sqs.commandCalls(DeleteMessageBatchCommand) as never).sort()).toEqual(["handle-0", "handle-1", "handle-2"]);
  });

  it("stops at a fatal error, deletes nothing and keeps every message in the DLQ", async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [0, 1].map((n) => lambdaMessage(n)) });
    sqs.on(SendMessageBatchCommand).rejects(new AwsError("SQS", "SendMessageBatch", "AccessDenied", "not allowed"));
    const result = await redrive(["--to", WORK, "--concurrency", "1"]);
    expect(result.code).toBe(4);
    expect(result.data).toMatchObject({ moved: 0, failed: 2, stoppedBy: expect.stringMatching(/^AccessDenied/) });
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(handlesOf(sqs.commandCalls(ChangeMessageVisibilityBatchCommand) as never)).toEqual(["handle-0", "handle-1"]);
  });

  it("sends a message SQS delivered twice only once, and deletes both copies", async () => {
    const copy = (handle: string) => ({ ...lambdaMessage(7), ReceiptHandle: handle });
    let secondCopyReceived!: () => void;
    const secondCopy = new Promise<void>((resolve) => (secondCopyReceived = resolve));
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [copy("handle-a")] })
      .callsFakeOnce(() => {
        secondCopyReceived();
        return { Messages: [copy("handle-b")] };
      })
      .resolves({ Messages: [] });
    sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: { Id: string }[] }) => {
      // The second copy arrives while the first is being sent: hold the send until the other
      // worker has received it and (after its pending callbacks) sorted it as a duplicate.
      await secondCopy;
      await new Promise((resolve) => setImmediate(resolve));
      return { Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: "x", MD5OfMessageBody: "" })), Failed: [] };
    });
    const result = await redrive(["--to", WORK, "--concurrency", "2"]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
    expect(handlesOf(sqs.commandCalls(DeleteMessageBatchCommand) as never).sort()).toEqual(["handle-a", "handle-b"]);
    expect(result.data).toMatchObject({ moved: 1, failed: 0 });
  });

  it("keeps going through many filtered-out messages, and stops once only already-skipped ones come back", async () => {
    const timeout = (n: number) => {
      const m = lambdaMessage(n);
      (m.MessageAttributes as Record<string, { StringValue?: string }>).ErrorMessage!.StringValue = "Task timed out after 3.00 seconds";
      return m;
    };
    const page = (from: number) => Array.from({ length: 10 }, (_, i) => lambdaMessage(from + i));
    const receive = sqs.on(ReceiveMessageCommand);
    for (let p = 0; p < 7; p++) receive.resolvesOnce({ Messages: page(p * 10) }); // 70 handler errors first
    receive.resolvesOnce({ Messages: [timeout(100), timeout(101)] });
    receive.resolves({ Messages: page(0) }); // released skipped messages keep coming back
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: "x", MD5OfMessageBody: "" })),
      Failed: [],
    }));
    const result = await redrive(["--to", WORK, "--class", "timeout", "--concurrency", "1"]);
    expect(result.data).toMatchObject({ moved: 2, skipped: 70, failed: 0 });
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(8 + 5); // then 5 receives of repeats only
  });

  it("with --class, --max caps the messages moved across concurrent batches; the extra matches go back at once", async () => {
    let next = 0;
    sqs.on(ReceiveMessageCommand).callsFake(() => ({ Messages: Array.from({ length: 10 }, () => lambdaMessage(next++)) }));
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: "x", MD5OfMessageBody: "" })),
      Failed: [],
    }));
    const result = await redrive(["--to", WORK, "--class", "handler-error", "--max", "3", "--concurrency", "4"]);
    expect(result.code).toBe(0);
    expect(result.data).toMatchObject({ moved: 3, failed: 0, skipped: 0 });
    const sent = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(sent).toHaveLength(3);
    // Full batches were received (a filter may drop most); everything not moved was released.
    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages)).toEqual(
      sqs.commandCalls(ReceiveMessageCommand).map(() => 10),
    );
    const deleted = handlesOf(sqs.commandCalls(DeleteMessageBatchCommand) as never);
    const released = handlesOf(sqs.commandCalls(ChangeMessageVisibilityBatchCommand) as never);
    expect(deleted).toHaveLength(3);
    expect(deleted.length + released.length).toBe(next);
  });

  it("on Ctrl-C finishes the batch in hand and takes no new one", async () => {
    const keys = interrupts();
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [0, 1].map((n) => lambdaMessage(n)) });
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => {
      keys.interrupt(); // the user presses Ctrl-C while the send is in flight
      return { Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: "x", MD5OfMessageBody: "" })), Failed: [] };
    });
    const result = await redrive(["--to", WORK, "--concurrency", "1"], { interrupts: keys });
    expect(result.code).toBe(130);
    expect(result.data).toMatchObject({ moved: 2, failed: 0 });
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
    expect(handlesOf(sqs.commandCalls(DeleteMessageBatchCommand) as never)).toEqual(["handle-0", "handle-1"]);
  });
});

describe("redrive --invoke", () => {
  it("invokes asynchronously with the original body, deletes what Lambda accepted, keeps the rest", async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [lambdaMessage(0), lambdaMessage(1, "not json")] }).resolves({ Messages: [] });
    lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) => {
      if (Buffer.from(input.Payload).toString() === "not json") throw new AwsError("Lambda", "Invoke", "InvalidRequestContentException", "Could not parse request body into json");
      return { StatusCode: 202 };
    });
    const result = await redrive(["--invoke", "thumbnailer", "--concurrency", "1"]);

    const invokes = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes.map((i) => [i.FunctionName, i.InvocationType, Buffer.from(i.Payload as Uint8Array).toString()])).toEqual([
      ["thumbnailer", "Event", JSON.stringify({ n: 0 })],
      ["thumbnailer", "Event", "not json"],
    ]);
    expect(result.code).toBe(4);
    expect(result.data).toMatchObject({ moved: 1, failed: 1, failures: [expect.objectContaining({ messageId: "id-1", code: "InvalidRequestContentException", stage: "send" })] });
    expect(handlesOf(sqs.commandCalls(DeleteMessageBatchCommand) as never)).toEqual(["handle-0"]);
    expect(handlesOf(sqs.commandCalls(ChangeMessageVisibilityBatchCommand) as never)).toEqual(["handle-1"]);
  });

  it("retries a throttled invoke with backoff", async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [lambdaMessage(0)] }).resolves({ Messages: [] });
    lambda
      .on(InvokeCommand)
      .rejectsOnce(new AwsError("Lambda", "Invoke", "TooManyRequestsException", "Rate exceeded"))
      .resolves({ StatusCode: 202 });
    const slept: number[] = [];
    const result = await redrive(["--invoke", "thumbnailer", "--concurrency", "1"], { services: { sleep: async (ms) => void slept.push(ms) } });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(2);
    expect(slept).toHaveLength(1);
    expect(result.data.moved).toBe(1);
  });
});
