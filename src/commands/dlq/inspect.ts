import type { LogsApi } from "../../lib/aws/logs.js";
import type { SqsApi } from "../../lib/aws/sqs.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { summarize, type FailureClass } from "../../lib/dlq/classify.js";
import { fetchLogs, planLogQueries } from "../../lib/dlq/log-lookup.js";
import { peekQueue, peekVisibilityTimeout } from "../../lib/dlq/peek.js";
import { inspectRecord, recordFromQueueMessage, type DlqRecord, type InspectedMessage } from "../../lib/dlq/records.js";
import { renderInspect } from "../../lib/dlq/render.js";
import { parseSavedData } from "../../lib/dlq/saved-data.js";
import { ExitCode, UsageError } from "../../lib/errors.js";
import { readTextArg } from "../../lib/input.js";
import { explainQueueError, logGroupOf, requireFunction, requireQueueUrl, warnAboutRedrivePolicy } from "./options.js";

export interface InspectOptions {
  queueUrl?: string;
  file?: string;
  max?: number;
  function?: string;
  logs?: boolean;
  logsWindow?: number;
  failIfAny?: boolean;
  visibilityTimeout?: number;
  concurrency?: number;
}

export interface InspectDeps {
  sqs?: SqsApi;
  logs?: LogsApi;
}

export interface InspectResult {
  messages: InspectedMessage[];
  summary: Record<FailureClass, number>;
  /** Set when --logs could not read CloudWatch Logs; the messages are still complete. */
  logsError?: string;
}

export async function inspect(options: InspectOptions, ctx: Context, deps: InspectDeps = {}): Promise<CommandResult<InspectResult>> {
  if (Boolean(options.queueUrl) === Boolean(options.file)) {
    throw new UsageError("pass exactly one of --queue-url or --file", "--queue-url reads a live DLQ; --file reads saved messages (- for stdin)");
  }
  if (options.logs) requireFunction(options.function);
  else if (options.function !== undefined) requireFunction(options.function);
  const max = options.max ?? 100;

  const { records, where } = options.file
    ? { records: await readFileRecords(options.file, ctx), where: options.file === "-" ? "stdin" : options.file }
    : { records: await readQueueRecords(requireQueueUrl(options.queueUrl, "--queue-url"), max, options, ctx, deps), where: options.queueUrl as string };

  const messages = records.slice(0, max).map(inspectRecord);
  messages.sort((a, b) => (a.sentAt ?? "").localeCompare(b.sentAt ?? ""));
  const result: InspectResult = { messages, summary: summarize(messages.map((m) => m.class)) };
  if (options.logs && options.function) await attachLogs(messages, options.function, options.logsWindow ?? 60, result, ctx, deps);

  const header = `${messages.length} message(s) from ${where}${records.length > max ? ` (first ${max} of ${records.length})` : ""}`;
  return {
    data: result,
    text: renderInspect(messages, result.summary, header, ctx.out.style),
    exitCode: options.failIfAny && messages.length > 0 ? ExitCode.findings : ExitCode.ok,
  };
}

async function readFileRecords(file: string, ctx: Context): Promise<DlqRecord[]> {
  const text = await readTextArg(file === "-" ? "-" : `@${file}`, "--file", ctx.stdin);
  return parseSavedData(text, file === "-" ? "stdin" : file);
}

async function readQueueRecords(queueUrl: string, max: number, options: InspectOptions, ctx: Context, deps: InspectDeps): Promise<DlqRecord[]> {
  const sqs = deps.sqs ?? (await (await import("../../lib/aws/sqs.js")).createSqsApi(ctx.aws));
  let attributes: Record<string, string>;
  try {
    attributes = await sqs.getQueueAttributes(queueUrl, ["RedrivePolicy", "ApproximateNumberOfMessages"]);
  } catch (error) {
    throw explainQueueError(error, queueUrl);
  }
  warnAboutRedrivePolicy(attributes.RedrivePolicy, ctx);
  const spinner = ctx.out.spinner(`reading up to ${max} message(s)…`);
  try {
    const { messages, releaseFailures } = await peekQueue(sqs, {
      queueUrl,
      max,
      concurrency: options.concurrency ?? 4,
      visibilityTimeout: options.visibilityTimeout ?? peekVisibilityTimeout(max),
      waitTimeSeconds: 1,
      signal: ctx.signal,
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

async function attachLogs(
  messages: InspectedMessage[],
  functionName: string,
  windowMinutes: number,
  result: InspectResult,
  ctx: Context,
  deps: InspectDeps,
): Promise<void> {
  const wanted = messages.filter((m) => m.requestId).map((m) => ({ requestId: m.requestId as string, sentAt: m.sentAt }));
  const queries = planLogQueries(wanted, { beforeMs: windowMinutes * 60_000, afterMs: 5 * 60_000, now: ctx.now().getTime() });
  const logGroupName = logGroupOf(functionName);
  if (queries.length === 0) return;
  try {
    const logs = deps.logs ?? (await (await import("../../lib/aws/logs.js")).createLogsApi(ctx.aws));
    const fetched = await fetchLogs(logs, queries, { logGroupName, signal: ctx.signal });
    if (fetched.truncated) ctx.out.warn("some log results were cut short (page or line limit); open the log group for the rest");
    for (const m of messages) if (m.requestId) m.logs = fetched.lines.get(m.requestId) ?? [];
  } catch (error) {
    const code = (error as { code?: string }).code;
    result.logsError =
      code === "ResourceNotFoundException"
        ? `log group ${logGroupName} not found — check --function and --region`
        : `reading ${logGroupName} failed: ${(error as Error).message}`;
    ctx.out.warn(result.logsError);
  }
}
