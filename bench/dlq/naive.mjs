#!/usr/bin/env node
// The baseline the benchmark compares against: one message at a time, the way a quick script
// (or the post's era of tooling) does it. Same SDK, same endpoint, counted the same way.
//   node bench/dlq/naive.mjs redrive <endpoint> <dlq-url> <target-url>   receive 1, send 1, delete 1
//   node bench/dlq/naive.mjs inspect <endpoint> <dlq-url> <max> [hide-s]   receive 1 …, then release 1 at a time
// Writes {"SQS.Operation": count} to $AWSBLOG_STATS_FILE like the CLI does.
import { writeFileSync } from "node:fs";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

const [mode, endpoint, dlq, arg, hide = "300"] = process.argv.slice(2);
const sqs = new SQSClient({ endpoint, region: process.env.AWS_REGION ?? "us-east-1" });
const calls = {};
const send = (command) => {
  const key = `SQS.${command.constructor.name.replace(/Command$/, "")}`;
  calls[key] = (calls[key] ?? 0) + 1;
  return sqs.send(command);
};
const receiveOne = (visibility) =>
  send(
    new ReceiveMessageCommand({
      QueueUrl: dlq,
      MaxNumberOfMessages: 1,
      VisibilityTimeout: visibility,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ["All"],
      MessageSystemAttributeNames: ["All"],
    }),
  ).then((out) => out.Messages?.[0]);

let count = 0;
if (mode === "redrive") {
  for (let m = await receiveOne(60); m; m = await receiveOne(60)) {
    await send(new SendMessageCommand({ QueueUrl: arg, MessageBody: m.Body, MessageAttributes: m.MessageAttributes }));
    await send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: m.ReceiptHandle }));
    count += 1;
  }
} else if (mode === "inspect") {
  const held = [];
  for (let m = await receiveOne(Number(hide)); m && held.length < Number(arg); m = held.length < Number(arg) ? await receiveOne(Number(hide)) : undefined) held.push(m);
  for (const m of held) await send(new ChangeMessageVisibilityCommand({ QueueUrl: dlq, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  count = held.length;
} else {
  console.error("usage: naive.mjs redrive|inspect <endpoint> <dlq-url> <target-url|max>");
  process.exit(2);
}
if (process.env.AWSBLOG_STATS_FILE) writeFileSync(process.env.AWSBLOG_STATS_FILE, `${JSON.stringify(calls)}\n`);
console.log(JSON.stringify({ count }));
