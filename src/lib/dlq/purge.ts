import type { QueueMessage, SqsApi } from "../aws/sqs.js";
import type { FailureClass } from "./classify.js";
import { releaseAll } from "./peek.js";
import { queueRead, receiveLoop } from "./receive-loop.js";
import { inspectRecord, recordFromQueueMessage } from "./records.js";
import { chunk } from "./send-entries.js";

/**
 * `dlq purge` with a filter: deletes only the messages that match, one DeleteMessageBatch
 * per received batch; every message that does not match stays hidden until the scan ends and
 * is then made visible again at once (so the scan moves on through the queue instead of being
 * handed the same ones again). It never deletes a message it did not match: a kill leaves the
 * unmatched ones hidden until their visibility timeout ends, nothing more.
 */
export interface PurgeFilter {
  classes?: ReadonlySet<FailureClass>;
  /** Only messages SQS received before this instant (ms since the epoch; SentTimestamp). */
  sentBefore?: number;
}

export interface MatchedMessage {
  message: QueueMessage;
  cls: FailureClass;
}

/** The message's class when it matches the filter, else undefined. */
export function matchMessage(message: QueueMessage, filter: PurgeFilter): FailureClass | undefined {
  const cls = inspectRecord(recordFromQueueMessage(message)).class;
  if (filter.classes && !filter.classes.has(cls)) return undefined;
  if (filter.sentBefore !== undefined) {
    const sent = Number(message.attributes.SentTimestamp);
    if (!Number.isFinite(sent) || sent >= filter.sentBefore) return undefined;
  }
  return cls;
}

export interface ScanOptions {
  queueUrl: string;
  filter: PurgeFilter;
  concurrency: number;
  visibilityTimeout: number;
  waitTimeSeconds: number;
  signal?: AbortSignal;
  /** Delete the matches (else only count them). */
  remove: boolean;
  /** With `remove`: only these message ids (the ones counted and confirmed). */
  only?: ReadonlySet<string>;
  onProgress?: (progress: PurgeReport) => void;
}

export interface PurgeReport {
  scanned: number;
  matched: number;
  deleted: number;
  failed: number;
  byClass: Partial<Record<FailureClass, number>>;
  /** Ids of the matches (a count-only scan: what a confirmed delete may remove). */
  matchedIds: string[];
  /** Unmatched messages SQS would not make visible again (they return after the timeout). */
  releaseFailures: number;
  stoppedBy?: string;
}

export async function scanAndPurge(sqs: SqsApi, options: ScanOptions): Promise<PurgeReport> {
  const report: PurgeReport = { scanned: 0, matched: 0, deleted: 0, failed: 0, byClass: {}, matchedIds: [], releaseFailures: 0 };
  /** Everything this scan holds hidden (unmatched, or matched in a count-only scan), newest handle. */
  const held = new Map<string, QueueMessage>();
  const done = new Set<string>();
  const deletedIds = new Set<string>();

  async function remove(matches: MatchedMessage[]) {
    for (const group of chunk(matches, 10)) {
      const entries = group.map((m, i) => ({ id: `d${i}`, receiptHandle: m.message.receiptHandle }));
      let failed: Set<string>;
      try {
        failed = new Set((await sqs.deleteBatch(options.queueUrl, entries)).failed.map((f) => f.id));
      } catch (error) {
        if (!report.stoppedBy) report.stoppedBy = (error as Error).message;
        failed = new Set(entries.map((e) => e.id));
      }
      group.forEach((m, i) => {
        if (failed.has(`d${i}`)) {
          report.failed += 1;
          held.set(m.message.messageId, m.message); // still there: made visible again at the end
        } else if (!deletedIds.has(m.message.messageId)) {
          deletedIds.add(m.message.messageId); // a second copy SQS delivered is deleted, not counted
          report.deleted += 1;
        }
      });
    }
  }

  try {
    await receiveLoop(sqs, {
      ...queueRead(options),
      remaining: () => Number.POSITIVE_INFINITY,
      reserve: false,
      take(batch) {
        const matches: MatchedMessage[] = [];
        let fresh = 0;
        for (const message of batch) {
          const id = message.messageId;
          const first = !done.has(id);
          if (first) {
            done.add(id);
            fresh += 1;
            report.scanned += 1;
          }
          const cls = matchMessage(message, options.filter);
          const wanted = cls !== undefined && (!options.only || options.only.has(id));
          if (first && wanted) {
            report.matched += 1;
            report.byClass[cls] = (report.byClass[cls] ?? 0) + 1;
            report.matchedIds.push(id);
          }
          if (wanted && options.remove && !held.has(id)) matches.push({ message, cls });
          else held.set(id, message);
        }
        return { fresh, done: matches.length > 0 ? remove(matches).then(() => options.onProgress?.(report)) : undefined };
      },
    });
  } catch (error) {
    report.stoppedBy ??= (error as Error).message;
  } finally {
    report.releaseFailures = (await releaseAll(sqs, options.queueUrl, [...held.values()], options.concurrency)).length;
  }
  return report;
}
