import type { Command } from "commander";
import { collect, positiveInt } from "../../lib/input.js";
import { action } from "../legacy.js";
import type { ConfigureOptions } from "./configure.js";
import type { InspectOptions } from "./inspect.js";
import type { RedriveOptions } from "./redrive.js";

export function register(program: Command): void {
  const dlq = program
    .command("dlq")
    .description("Lambda dead-letter queues: inspect without losing messages, classify, fetch logs, redrive safely");

  dlq
    .command("inspect")
    .description("read a DLQ (or saved messages), classify each failure; never deletes, makes every message visible again")
    .option("--queue-url <url>", "the dead-letter queue to read")
    .option("--file <path|->", "saved data instead of a queue: ReceiveMessage output, SNS message/event, destination records (- = stdin)")
    .option("--max <n>", "read at most n messages", positiveInt("--max", { max: 10_000 }), 100)
    .option("--function <name>", "the function whose failures these are (name or ARN)")
    .option("--logs", "attach each request's lines from /aws/lambda/<function> (needs --function)")
    .option("--logs-window <minutes>", "look this far back before each message's sentAt", positiveInt("--logs-window", { max: 1_440 }), 60)
    .option("--fail-if-any", "exit 3 when the DLQ holds any message (for cron and CI)")
    .option("--visibility-timeout <s>", "hide read messages this long at most (default: 15 s + 1 s per 10 messages)", positiveInt("--visibility-timeout", { max: 43_200 }))
    .option("--concurrency <n>", "receive calls in flight", positiveInt("--concurrency", { max: 20 }), 4)
    .addHelpText(
      "after",
      `
Reads raise each message's receive count; if the DLQ has its own RedrivePolicy a warning says so.
--logs batches request ids into few FilterLogEvents calls (window: --logs-window before sentAt, 5 min after).
Classes: timeout, crash, misconfig, handler-error, unknown.
JSON: {"messages":[{messageId,requestId,errorCode,errorMessage,class,timeoutSeconds?,body,sentAt,receiveCount,logs?,source}],"summary":{…}}

Example:
  $ awsblog dlq inspect --queue-url "$DLQ_URL" --function thumbnailer --logs
  $ aws sqs receive-message --queue-url "$DLQ_URL" --message-attribute-names All | awsblog dlq inspect --file - -o json`,
    )
    .action(
      action<InspectOptions>(async () => {
        const { inspect } = await import("./inspect.js");
        return (options, ctx) => inspect(options, ctx);
      }),
    );

  dlq
    .command("redrive")
    .description("move DLQ messages to a queue or replay them into a function, at least once: delete only after a confirmed send")
    .option("--queue-url <url>", "the dead-letter queue to drain")
    .option("--to <queue-url>", "send to this queue (body, attributes, FIFO group/dedup ids kept)")
    .option("--invoke <function>", "replay each body into this function (asynchronous Invoke)")
    .option("--class <class>", "only messages of this class (repeatable or comma-separated)", collect)
    .option("--max <n>", "move at most n messages", positiveInt("--max"))
    .option("--dry-run", "read and classify, release everything, move nothing")
    .option("--concurrency <n>", "batches of 10 in flight", positiveInt("--concurrency", { max: 20 }), 4)
    .option("--visibility-timeout <s>", "hide a batch this long while it is sent (a crash returns it after this)", positiveInt("--visibility-timeout", { max: 43_200 }), 60)
    .addHelpText(
      "after",
      `
A message is deleted from the DLQ only after the target accepted it, so a crash or kill can cause a
duplicate but never a loss. Ctrl-C stops taking messages, finishes batches in flight, exits 130.
Exit 4 when any message failed (each listed in the output).
JSON: {"moved","failed","skipped","planned","failures":[{messageId,requestId,class,stage,code,error}],"byClass","dryRun"}

Example:
  $ awsblog dlq redrive --queue-url "$DLQ_URL" --invoke thumbnailer --class timeout --dry-run
  $ awsblog dlq redrive --queue-url "$DLQ_URL" --to "$WORK_QUEUE_URL" -o json`,
    )
    .action(
      action<RedriveOptions>(async () => {
        const { redrive } = await import("./redrive.js");
        return (options, ctx) => redrive(options, ctx);
      }),
    );

  dlq
    .command("configure")
    .description("set or remove a function's dead-letter queue (UpdateFunctionConfiguration DeadLetterConfig)")
    .option("--function <name>", "function name or ARN")
    .option("--target-arn <arn>", "standard SQS queue or SNS topic ARN to receive failed async events")
    .option("--remove", "remove the dead-letter queue")
    .addHelpText(
      "after",
      `
The function's execution role needs sqs:SendMessage (or sns:Publish) on the target.

Example:
  $ awsblog dlq configure --function thumbnailer --target-arn arn:aws:sqs:us-east-1:123456789012:thumbnailer-dlq`,
    )
    .action(
      action<ConfigureOptions>(async () => {
        const { configure } = await import("./configure.js");
        return (options, ctx) => configure(options, ctx);
      }),
    );
}
