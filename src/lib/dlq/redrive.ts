import type { QueueMessage, SqsApi } from "../aws/sqs.js";
import type { FailureClass } from "./classify.js";
import { releaseAll } from "./peek.js";
import { runWorkers } from "./pool.js";
import { inspectRecord, recordFromQueueMessage } from "./records.js";
import { chunk } from "./send-entries.js";
import type { RedriveTarget } from "./targets.js";

/**
 * Moves messages out of a DLQ, at least once: receive a batch (hidden for
 * --visibility-timeout), deliver it to the target, and delete from the DLQ only the messages
 * the target confirmed. A kill at any point leaves every message in the DLQ, the target, or
 * both (a duplicate) — never neither. Messages the --class filter leaves out are made visible
 * again at once. Ctrl-C (the signal) stops receiving; batches in hand are finished.
 */
export interface RedriveOptions {
  queueUrl: string;
  target: RedriveTarget;
  classes?: ReadonlySet<FailureClass>;
  max?: number;
  dryRun: boolean;
  concurrency: number;
  visibilityTimeout: number;
  waitTimeSeconds: number;
  signal?: AbortSignal;
  /** Stop after this many receives in a row that bring only messages already handled. */
  idleReceives?: number;
  onProgress?: (report: RedriveReport) => void;
}

export interface RedriveFailure {
  messageId: string;
  requestId: string | null;
  class: FailureClass;
  /** send: the target refused it (still in the DLQ). delete: it reached the target but is still in the DLQ too. */
  stage: "send" | "delete";
  code: string;
  error: string;
}

export interface RedriveReport {
  moved: number;
  failed: number;
  skipped: number;
  /** --dry-run: how many would have been moved. */
  planned: number;
  failures: RedriveFailure[];
  /** Moved (or planned) per class. */
  byClass: Partial<Record<FailureClass, number>>;
  /** Set when the run stopped early because of an error (receiving, or a fatal target error). */
  stoppedBy?: string;
}

type State = "skipped" | "planned" | "moved" | "failed" | "sent";

export async function redrive(sqs: SqsApi, options: RedriveOptions): Promise<RedriveReport> {
  const report: RedriveReport = { moved: 0, failed: 0, skipped: 0, planned: 0, failures: [], byClass: {} };
  const seen = new Map<string, State>();
  const failures = new Map<string, RedriveFailure>();
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const idleLimit = options.idleReceives ?? 5;
  let reserved = 0;
  let idle = 0;
  let stop = false;
  let inFlight = 0;

  const release = (messages: QueueMessage[]) =>
    messages.length ? releaseAll(sqs, options.queueUrl, messages, 1) : Promise.resolve([]);

  async function deleteSent(sent: { message: QueueMessage; cls: FailureClass; requestId: string | null }[]) {
    for (const group of chunk(sent, 10)) {
      const entries = group.map((s, i) => ({ id: `d${i}`, receiptHandle: s.message.receiptHandle }));
      let failed: { id: string; code: string; message: string }[];
      try {
        failed = (await sqs.deleteBatch(options.queueUrl, entries)).failed;
      } catch (error) {
        failed = entries.map((e) => ({ id: e.id, code: (error as { code?: string }).code ?? "Error", message: (error as Error).message }));
      }
      const failedIds = new Set(failed.map((f) => f.id));
      group.forEach((s, i) => {
        const f = failed.find((x) => x.id === `d${i}`);
        if (!failedIds.has(`d${i}`)) {
          seen.set(s.message.messageId, "moved");
          failures.delete(s.message.messageId);
          report.moved += 1;
          report.byClass[s.cls] = (report.byClass[s.cls] ?? 0) + 1;
        } else {
          seen.set(s.message.messageId, "sent");
          failures.set(s.message.messageId, {
            messageId: s.message.messageId,
            requestId: s.requestId,
            class: s.cls,
            stage: "delete",
            code: f?.code ?? "Error",
            error: `delivered to the target but not deleted from the DLQ (${f?.message ?? "unknown"}); a later redrive sends it again`,
          });
        }
      });
    }
  }

  async function handle(batch: QueueMessage[], want: number) {
    const fresh: { message: QueueMessage; cls: FailureClass; requestId: string | null }[] = [];
    const releaseNow: QueueMessage[] = [];
    const retryDelete: typeof fresh = [];
    for (const message of batch) {
      const state = seen.get(message.messageId);
      const inspected = inspectRecord(recordFromQueueMessage(message));
      const item = { message, cls: inspected.class, requestId: inspected.requestId };
      if (state === "sent") retryDelete.push(item);
      else if (state) releaseNow.push(message);
      else if (options.classes && !options.classes.has(inspected.class)) {
        seen.set(message.messageId, "skipped");
        report.skipped += 1;
        releaseNow.push(message);
      } else fresh.push(item);
    }
    reserved -= want - fresh.length;
    idle = fresh.length === 0 && retryDelete.length === 0 ? idle + 1 : 0;
    if (idle >= idleLimit) stop = true;

    const toRelease = [...releaseNow];
    const sent: typeof fresh = [...retryDelete];
    if (options.dryRun) {
      for (const f of fresh) {
        seen.set(f.message.messageId, "planned");
        report.planned += 1;
        report.byClass[f.cls] = (report.byClass[f.cls] ?? 0) + 1;
        toRelease.push(f.message);
      }
    } else if (fresh.length > 0) {
      const delivery = await options.target.deliver(fresh.map((f) => f.message));
      if (delivery.fatal) {
        stop = true;
        report.stoppedBy ??= `${delivery.failed[0]?.code ?? "error"} from ${options.target.describe}`;
      }
      const byId = new Map(fresh.map((f) => [f.message.messageId, f]));
      for (const m of delivery.delivered) sent.push(byId.get(m.messageId) as (typeof fresh)[number]);
      for (const failure of delivery.failed) {
        const f = byId.get(failure.message.messageId) as (typeof fresh)[number];
        seen.set(f.message.messageId, "failed");
        failures.set(f.message.messageId, {
          messageId: f.message.messageId,
          requestId: f.requestId,
          class: f.cls,
          stage: "send",
          code: failure.code,
          error: failure.error,
        });
        toRelease.push(f.message);
      }
    }
    // Release first: filtered-out and failed messages should not wait behind the deletes.
    await Promise.all([release(toRelease), sent.length ? deleteSent(sent) : Promise.resolve()]);
    options.onProgress?.(snapshot());
  }

  function snapshot(): RedriveReport {
    return { ...report, failed: failures.size, failures: [...failures.values()] };
  }

  await runWorkers(options.concurrency, async () => {
    while (!stop && !options.signal?.aborted) {
      const want = Math.min(10, max - reserved);
      if (want <= 0) return;
      reserved += want;
      let batch: QueueMessage[];
      try {
        // Not tied to the signal: a receive in flight completes and its batch is handled.
        batch = await sqs.receive(options.queueUrl, {
          maxMessages: want,
          visibilityTimeout: options.visibilityTimeout,
          waitTimeSeconds: options.waitTimeSeconds,
        });
      } catch (error) {
        stop = true;
        report.stoppedBy ??= (error as Error).message;
        return;
      }
      if (batch.length === 0) {
        // Empty while another worker holds a batch can mean a FIFO group is locked by it:
        // leave this worker, and let the last one standing decide the queue is drained.
        reserved -= want;
        if (inFlight === 0) stop = true;
        return;
      }
      inFlight += 1;
      try {
        await handle(batch, want);
      } finally {
        inFlight -= 1;
      }
    }
  });
  return snapshot();
}
