import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { summarize, type FailureClass } from "../../lib/dlq/classify.js";
import { fetchLogs, planLogQueries } from "../../lib/dlq/log-lookup.js";
import { explainQueueError, logGroupOf, redrivePolicyWarning, requireFunction, requireQueueUrl } from "../../lib/dlq/options.js";
import { peekProgressText, peekQueue, peekVisibilityTimeout } from "../../lib/dlq/peek.js";
import { inspectRecord, recordFromQueueMessage, type DlqRecord, type InspectedMessage } from "../../lib/dlq/records.js";
import { renderInspect } from "../../lib/dlq/render.js";
import { parseSavedData } from "../../lib/dlq/saved-data.js";
import { ExitCode, UsageError } from "../../lib/errors.js";
import { readTextArg } from "../../lib/input.js";
import { sanitizeForTerminal } from "../../lib/terminal.js";

const flags = {
  queueUrl: opt.string("--queue-url <url>", "the dead-letter queue to read"),
  file: opt.string("--file <path|->", "saved data instead of a queue: ReceiveMessage output, SNS message/event, destination records (- = stdin)"),
  max: opt.int("--max <n>", "read at most n messages", { max: 10_000, defaultValue: 100 }),
  function: opt.string("--function <name>", "the function whose failures these are (name or ARN)"),
  logs: opt.flag("--logs", "attach each request's lines from /aws/lambda/<function> (needs --function)"),
  logsWindow: opt.int("--logs-window <minutes>", "look this far back before each message's sentAt", { max: 1_440, defaultValue: 60 }),
  failIfAny: opt.flag("--fail-if-any", "exit 3 when the DLQ holds any message (for cron and CI)"),
  visibilityTimeout: opt.int("--visibility-timeout <s>", "hide read messages this long at most (default: 15 s + 1 s per 10 messages)", { max: 43_200 }),
  concurrency: opt.int("--concurrency <n>", "receive calls in flight", { max: 20, defaultValue: 4 }),
};

export default defineCommand({
  options: flags,
  help: `
Reads raise each message's receive count; if the DLQ has its own RedrivePolicy a warning says so.
--logs batches request ids into few FilterLogEvents calls (window: --logs-window before sentAt, 5 min after).
Classes: timeout, crash, misconfig, handler-error, unknown.
JSON: {"messages":[{messageId,requestId,errorCode,errorMessage,class,timeoutSeconds?,body,sentAt,receiveCount,logs?,source}],"summary":{…}}`,
  examples: [
    `awsblog dlq inspect --queue-url "$DLQ_URL" --function thumbnailer --logs`,
    `aws sqs receive-message --queue-url "$DLQ_URL" --message-attribute-names All | awsblog dlq inspect --file - -o json`,
  ],
  run: inspect,
});

export interface InspectResult {
  messages: InspectedMessage[];
  summary: Record<FailureClass, number>;
  /** Set when --logs could not read CloudWatch Logs; the messages are still complete. */
  logsError?: string;
}

type Options = OptionsOf<typeof flags>;

/** `awsblog dlq inspect`: read (never delete) a DLQ or saved messages, classify each failure. */
async function inspect(options: Options, ctx: Context): Promise<CommandResult<InspectResult>> {
  if (Boolean(options.queueUrl) === Boolean(options.file)) {
    throw new UsageError("pass exactly one of --queue-url or --file", "--queue-url reads a live DLQ; --file reads saved messages (- for stdin)");
  }
  if (options.logs) requireFunction(options.function);
  else if (options.function !== undefined) requireFunction(options.function);
  const max = options.max;

  const { records, where } = options.file
    ? { records: await readFileRecords(options.file, ctx), where: options.file === "-" ? "stdin" : options.file }
    : { records: await readQueueRecords(requireQueueUrl(options.queueUrl, "--queue-url"), options, ctx), where: options.queueUrl as string };

  const messages = records.slice(0, max).map(inspectRecord);
  messages.sort((a, b) => (a.sentAt ?? "").localeCompare(b.sentAt ?? ""));
  const result: InspectResult = { messages, summary: summarize(messages.map((m) => m.class)) };
  if (options.logs && options.function) await attachLogs(messages, options.function, options.logsWindow, result, ctx);

  const header = `${messages.length} message(s) from ${where}${records.length > max ? ` (first ${max} of ${records.length})` : ""}`;
  return {
    data: result,
    text: renderInspect(messages, result.summary, header, ctx.out.style, ctx.out.width),
    exitCode: options.failIfAny && messages.length > 0 ? ExitCode.findings : ExitCode.ok,
  };
}

/** Saved ReceiveMessage output, SNS events or destination records: a few dozen 1 MiB messages. */
const SAVED_DATA_BYTES = 64 * 1024 * 1024;

async function readFileRecords(file: string, ctx: Context): Promise<DlqRecord[]> {
  const text = await readTextArg(file === "-" ? "-" : `@${file}`, "--file", ctx.stdin, SAVED_DATA_BYTES);
  return parseSavedData(text, file === "-" ? "stdin" : file);
}

async function readQueueRecords(queueUrl: string, options: Options, ctx: Context): Promise<DlqRecord[]> {
  const sqs = await ctx.services.sqs();
  let attributes: Record<string, string>;
  try {
    attributes = await sqs.getQueueAttributes(queueUrl, ["RedrivePolicy", "ApproximateNumberOfMessages"]);
  } catch (error) {
    throw explainQueueError(error, queueUrl);
  }
  const warning = redrivePolicyWarning(attributes.RedrivePolicy);
  if (warning) ctx.out.warn(warning);
  const max = options.max;
  const progress = peekProgressText(max, attributes.ApproximateNumberOfMessages);
  const spinner = ctx.out.spinner(progress(0));
  try {
    const { messages, releaseFailures } = await peekQueue(sqs, {
      queueUrl,
      max,
      concurrency: options.concurrency,
      visibilityTimeout: options.visibilityTimeout ?? peekVisibilityTimeout(max),
      waitTimeSeconds: 1,
      signal: ctx.signal,
      onProgress: (read) => spinner.update(progress(read)),
    });
    if (releaseFailures.length > 0) {
      ctx.out.warn(
        `${releaseFailures.length} message(s) could not be made visible again (${releaseFailures[0]?.code}); SQS shows them again when their visibility timeout ends`,
      );
    }
    return messages.map(recordFromQueueMessage);
  } finally {
    spinner.stop();
  }
}

async function attachLogs(messages: InspectedMessage[], functionName: string, windowMinutes: number, result: InspectResult, ctx: Context): Promise<void> {
  const wanted = messages.filter((m) => m.requestId).map((m) => ({ requestId: m.requestId as string, sentAt: m.sentAt }));
  const queries = planLogQueries(wanted, { beforeMs: windowMinutes * 60_000, afterMs: 5 * 60_000, now: ctx.now().getTime() });
  const logGroupName = logGroupOf(functionName);
  if (queries.length === 0) return;
  try {
    const logs = await ctx.services.logs();
    const fetched = await fetchLogs(logs, queries, { logGroupName, signal: ctx.signal });
    if (fetched.truncated) ctx.out.warn("some log results were cut short (page or line limit); open the log group for the rest");
    for (const m of messages) if (m.requestId) m.logs = fetched.lines.get(m.requestId) ?? [];
  } catch (error) {
    const code = (error as { code?: string }).code;
    result.logsError =
      code === "ResourceNotFoundException"
        ? `log group ${logGroupName} not found — check --function and --region`
        : `reading ${logGroupName} failed: ${(error as Error).message}`;
    ctx.out.warn(sanitizeForTerminal(result.logsError));
  }
}
