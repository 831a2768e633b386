import { defineCommand, opt, required, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FAILURE_CLASSES, type FailureClass } from "../../lib/dlq/classify.js";
import { checkQueueUrl, explainQueueError, parseClasses, parseDuration, QUEUE_URL_HINT } from "../../lib/dlq/options.js";
import { scanAndPurge, type PurgeFilter, type PurgeReport } from "../../lib/dlq/purge.js";
import { ExitCode, UsageError } from "../../lib/errors.js";
import { sanitizeForTerminal } from "../../lib/terminal.js";

const flags = {
  queueUrl: required(opt.string("--queue-url <url>", "the dead-letter queue to clean"), QUEUE_URL_HINT),
  class: opt.list("--class <class>", "only messages of this class (repeatable or comma-separated)", { values: FAILURE_CLASSES }),
  olderThan: opt.custom("--older-than <duration>", "only messages sent longer ago than this (90s, 15m, 2h, 7d)", parseDuration("--older-than")),
  all: opt.flag("--all", "no filter: empty the whole queue (PurgeQueue); needs --yes"),
  yes: opt.flag("--yes", "delete without asking (needed when there is no terminal to ask on)"),
  concurrency: opt.int("--concurrency <n>", "receive calls in flight", { max: 20, defaultValue: 4 }),
  visibilityTimeout: opt.int("--visibility-timeout <s>", "hide messages that do not match this long while the scan runs (default: 30 s + 1 s per 10 messages)", { max: 43_200 }),
};

export default defineCommand({
  options: flags,
  help: `
With a filter, only matching messages are deleted: on a terminal after a count and a y/N question
(only the messages counted are then deleted), elsewhere only with --yes. Messages that do not match
are never deleted; they stay hidden while the scan runs and are then made visible again at once.
Without a filter it empties the queue with PurgeQueue, and only with --all --yes.
Exit 4 when some matches could not be deleted. JSON: {"queueUrl","scanned","matched","deleted","failed","byClass","purgedAll","cancelled"}`,
  examples: [
    `awsblog dlq purge --queue-url "$DLQ_URL" --class misconfig --older-than 2d`,
    `awsblog dlq purge --queue-url "$DLQ_URL" --class timeout --yes -o json   # cron: no terminal, no question`,
    `awsblog dlq purge --queue-url "$DLQ_URL" --all --yes                     # PurgeQueue: everything`,
  ],
  run: purge,
});

export interface PurgeResult {
  queueUrl: string;
  scanned: number;
  matched: number;
  deleted: number;
  failed: number;
  byClass: Partial<Record<FailureClass, number>>;
  /** --all: the whole queue was purged (PurgeQueue); the counts are then SQS's approximate count. */
  purgedAll: boolean;
  /** The question on the terminal was answered no: nothing was deleted. */
  cancelled: boolean;
}

type Options = OptionsOf<typeof flags>;

/** `awsblog dlq purge`: delete what matches a filter (or, with --all --yes, everything). */
async function purge(options: Options, ctx: Context): Promise<CommandResult<PurgeResult>> {
  const queueUrl = checkQueueUrl(options.queueUrl, "--queue-url");
  const classes = parseClasses(options.class);
  const filtered = classes !== undefined || options.olderThan !== undefined;
  if (options.all && filtered) {
    throw new UsageError("--all empties the whole queue; it does not go with --class or --older-than", "drop --all to delete only what matches the filter");
  }
  if (!filtered && !(options.all && options.yes)) {
    throw new UsageError(
      "no filter: dlq purge would empty the whole queue",
      "pass --all --yes to delete every message (PurgeQueue), or choose with --class / --older-than",
    );
  }
  const interactive = Boolean(ctx.stdin.isTTY);
  if (filtered && !options.yes && !interactive) {
    throw new UsageError("dlq purge deletes messages and there is no terminal to confirm on", "pass --yes (see what matches first with dlq inspect)");
  }

  const sqs = await ctx.services.sqs();
  let backlog: number;
  try {
    backlog = Number((await sqs.getQueueAttributes(queueUrl, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages) || 0;
  } catch (error) {
    throw explainQueueError(error, queueUrl);
  }

  if (!filtered) {
    await sqs.purge(queueUrl);
    const data: PurgeResult = { queueUrl, scanned: backlog, matched: backlog, deleted: backlog, failed: 0, byClass: {}, purgedAll: true, cancelled: false };
    return { data, text: `purged ${sanitizeForTerminal(queueUrl)}: every message (~${backlog}) is being deleted (SQS takes up to 60 s)` };
  }

  const filter: PurgeFilter = { classes, sentBefore: options.olderThan === undefined ? undefined : ctx.now().getTime() - options.olderThan };
  const scan = (remove: boolean, only?: ReadonlySet<string>, onProgress?: (r: PurgeReport) => void) =>
    scanAndPurge(sqs, {
      queueUrl,
      filter,
      remove,
      only,
      onProgress,
      concurrency: options.concurrency,
      visibilityTimeout: options.visibilityTimeout ?? Math.min(43_200, 30 + Math.ceil(backlog / 10)),
      waitTimeSeconds: 1,
      signal: ctx.signal,
    });

  let only: ReadonlySet<string> | undefined;
  if (!options.yes) {
    const spinner = ctx.out.spinner("counting…");
    let count: PurgeReport;
    try {
      count = await scan(false);
    } finally {
      spinner.stop();
    }
    if (ctx.signal.aborted) return result(queueUrl, count, { cancelled: true });
    if (count.matched === 0) return { data: toData(queueUrl, count, false), text: `nothing matches in ${sanitizeForTerminal(queueUrl)} (${count.scanned} scanned); nothing deleted` };
    const answer = await ctx.services.prompt(
      `${count.matched} of ${count.scanned} message(s) match (${classesText(count.byClass)}); delete them from ${sanitizeForTerminal(queueUrl, { max: 120, oneLine: true })}? [y/N] `,
      { input: ctx.stdin, output: ctx.stderr, hidden: false },
    );
    if (!/^y(es)?$/i.test(answer.trim())) return result(queueUrl, count, { cancelled: true });
    only = new Set(count.matchedIds);
  }

  const spinner = ctx.out.spinner("deleting…");
  let report: PurgeReport;
  try {
    report = await scan(true, only, (r) => spinner.update(`deleted ${r.deleted} of ${r.matched} matching, ${r.scanned} scanned`));
  } finally {
    spinner.stop();
  }
  if (report.releaseFailures > 0) ctx.out.warn(`${report.releaseFailures} message(s) could not be made visible again; SQS shows them again when their visibility timeout ends`);
  if (report.stoppedBy) ctx.out.warn(`stopped early: ${sanitizeForTerminal(report.stoppedBy, { oneLine: true, max: 200 })}`);
  if (ctx.signal.aborted) ctx.out.info(`interrupted: ${report.deleted} deleted; every message not deleted is visible again`);
  return result(queueUrl, report, { cancelled: false });
}

function result(queueUrl: string, report: PurgeReport, { cancelled }: { cancelled: boolean }): CommandResult<PurgeResult> {
  const data = toData(queueUrl, report, cancelled);
  const where = sanitizeForTerminal(queueUrl, { oneLine: true });
  const text = cancelled
    ? `nothing deleted from ${where} (${report.matched} of ${report.scanned} matched)`
    : `deleted ${report.deleted} of ${report.matched} matching message(s) from ${where} (${classesText(report.byClass)}); ${report.scanned} scanned; failed ${report.failed}`;
  return { data, text, exitCode: report.failed > 0 ? ExitCode.partial : report.stoppedBy && !cancelled ? ExitCode.failure : ExitCode.ok };
}

function toData(queueUrl: string, report: PurgeReport, cancelled: boolean): PurgeResult {
  const { scanned, matched, deleted, failed, byClass } = report;
  return { queueUrl, scanned, matched, deleted, failed, byClass, purgedAll: false, cancelled };
}

function classesText(byClass: Partial<Record<FailureClass, number>>): string {
  const parts = Object.entries(byClass).map(([c, n]) => `${c} ${n}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}
