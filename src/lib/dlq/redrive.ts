import type { QueueMessage, SqsApi } from "../aws/sqs.js";
import type { FailureClass } from "./classify.js";
import { releaseAll } from "./peek.js";
import { queueRead, receiveLoop } from "./receive-loop.js";
import { inspectRecord, recordFromQueueMessage } from "./records.js";
import type { RateLimit } from "../pacing.js";
import { chunk, isFifoQueueUrl } from "./send-entries.js";
import type { RedriveTarget } from "./targets.js";

/**
 * Moves messages out of a DLQ, at least once: receive a batch (hidden for
 * --visibility-timeout), deliver it to the target, and delete from the DLQ only the messages
 * the target confirmed. A kill at any point leaves every message in the DLQ, the target, or
 * both (a duplicate) — never neither. Messages the --class filter leaves out are made visible
 * again at once. Ctrl-C (the signal) stops receiving; batches in hand are finished.
 *
 * `keep` (copy mode) never deletes: a delivered message stays hidden while the run goes on (so
 * SQS hands out the others instead of the same ones again) and every one is made visible again
 * at once when the run ends — also on errors and Ctrl-C; after a kill, when its visibility
 * timeout runs out. `rate` paces the messages taken (receive-loop.ts).
 */
export interface RedriveOptions {
  queueUrl: string;
  target: RedriveTarget;
  classes?: ReadonlySet<FailureClass>;
  max?: number;
  dryRun: boolean;
  /** Copy: deliver, never delete; release everything at the end. */
  keep?: boolean;
  rate?: RateLimit;
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
  /** --keep: copies the DLQ could not make visible again (they return when their timeout ends). */
  releaseFailures?: number;
}

/** inflight: a worker is delivering it now. sent: delivered, but its delete failed. */
type State = "inflight" | "skipped" | "planned" | "moved" | "failed" | "sent";
type Item = { message: QueueMessage; cls: FailureClass; requestId: string | null };

export async function redrive(sqs: SqsApi, options: RedriveOptions): Promise<RedriveReport> {
  const report: RedriveReport = { moved: 0, failed: 0, skipped: 0, planned: 0, failures: [], byClass: {} };
  const seen = new Map<string, State>();
  const inflight = new Map<string, Promise<void>>();
  const failures = new Map<string, RedriveFailure>();
  const max = options.max ?? Number.POSITIVE_INFINITY;
  /** Messages taken for moving (or planned): what --max counts. */
  let taken = 0;
  const fifoSource = isFifoQueueUrl(options.queueUrl);
  /** FIFO groups a worker is sending now (one batch per group at a time). */
  const groupsInFlight = new Set<string>();
  /** Set by a fatal target error: take no new batch. */
  let stop = false;

  const release = (messages: QueueMessage[]) =>
    messages.length ? releaseAll(sqs, options.queueUrl, messages, 1) : Promise.resolve([]);
  const count = (cls: FailureClass) => (report.byClass[cls] = (report.byClass[cls] ?? 0) + 1);

  /** --keep: delivered copies, hidden until the end of the run (newest receipt handle). */
  const held = new Map<string, QueueMessage>();

  /** Copy mode: a delivered message counts once as moved and is held, never deleted. */
  function hold(items: Item[]) {
    for (const s of items) {
      const id = s.message.messageId;
      if (seen.get(id) !== "moved") {
        report.moved += 1;
        count(s.cls);
      }
      seen.set(id, "moved");
      held.set(id, s.message);
    }
  }

  /** Deletes delivered messages; only a successful delete makes a message "moved". */
  async function deleteDelivered(items: Item[]) {
    if (options.keep) return hold(items);
    for (const group of chunk(items, 10)) {
      const entries = group.map((s, i) => ({ id: `d${i}`, receiptHandle: s.message.receiptHandle }));
      let failed: { id: string; code: string; message: string }[];
      try {
        failed = (await sqs.deleteBatch(options.queueUrl, entries)).failed;
      } catch (error) {
        failed = entries.map((e) => ({ id: e.id, code: (error as { code?: string }).code ?? "Error", message: (error as Error).message }));
      }
      group.forEach((s, i) => {
        const id = s.message.messageId;
        const f = failed.find((x) => x.id === `d${i}`);
        const wasMoved = seen.get(id) === "moved";
        if (!f) {
          if (!wasMoved) {
            report.moved += 1;
            count(s.cls);
          }
          seen.set(id, "moved");
          failures.delete(id);
        } else if (!wasMoved) {
          seen.set(id, "sent");
          failures.set(id, {
            messageId: id,
            requestId: s.requestId,
            class: s.cls,
            stage: "delete",
            code: f.code,
            error: `delivered to the target but not deleted from the DLQ (${f.message}); a later redrive sends it again`,
          });
        }
      });
    }
  }

  async function deliver(fresh: Item[]): Promise<{ delivered: Item[]; refused: QueueMessage[] }> {
    if (fresh.length === 0) return { delivered: [], refused: [] };
    if (options.dryRun) {
      for (const f of fresh) {
        seen.set(f.message.messageId, "planned");
        report.planned += 1;
        count(f.cls);
      }
      return { delivered: [], refused: fresh.map((f) => f.message) };
    }
    const delivery = await options.target.deliver(fresh.map((f) => f.message));
    if (delivery.fatal) {
      stop = true;
      report.stoppedBy ??= `${delivery.failed[0]?.code ?? "error"} from ${options.target.describe}`;
    }
    const byId = new Map(fresh.map((f) => [f.message.messageId, f]));
    for (const failure of delivery.failed) {
      const f = byId.get(failure.message.messageId) as Item;
      seen.set(f.message.messageId, "failed");
      failures.set(f.message.messageId, { messageId: f.message.messageId, requestId: f.requestId, class: f.cls, stage: "send", code: failure.code, error: failure.error });
    }
    return { delivered: delivery.delivered.map((m) => byId.get(m.messageId) as Item), refused: delivery.failed.map((f) => f.message) };
  }

  /** Sorts a batch synchronously (the receive loop relies on it), then delivers it. */
  function take(batch: QueueMessage[]): { fresh: number; done: Promise<void> } {
    const fresh: Item[] = [];
    const release1: QueueMessage[] = [];
    const deleteAgain: Item[] = [];
    const duplicates: Item[] = [];
    let newlySkipped = 0;
    /**
     * FIFO: a group whose earlier message is still being sent by another worker (its visibility
     * ran out and SQS handed the group out again) or was refused by the target holds back the
     * rest of that group in this batch: they go back at once, so nothing overtakes it.
     */
    const held = new Set<string>();
    const batchGroups = new Set<string>();
    for (const message of batch) {
      const inspected = inspectRecord(recordFromQueueMessage(message));
      const item = { message, cls: inspected.class, requestId: inspected.requestId };
      const state = seen.get(message.messageId);
      const group = fifoSource ? message.attributes.MessageGroupId : undefined;
      if (group !== undefined && (state === "inflight" || state === "failed" || groupsInFlight.has(group))) held.add(group);
      if (state === undefined && group !== undefined && held.has(group)) {
        release1.push(message); // behind an unfinished message of its group: not taken, not seen
      } else if (state === undefined && options.classes && !options.classes.has(inspected.class)) {
        seen.set(message.messageId, "skipped");
        report.skipped += 1;
        newlySkipped += 1;
        release1.push(message);
      } else if (state === undefined && taken >= max) {
        release1.push(message); // --max reached by another batch: back at once, not counted
      } else if (state === undefined) {
        seen.set(message.messageId, "inflight");
        taken += 1;
        fresh.push(item);
        if (group !== undefined) batchGroups.add(group);
      } else if (state === "inflight") duplicates.push(item); // SQS delivered it twice (standard queues may)
      else if (state === "moved" || state === "sent") deleteAgain.push(item); // already in the target
      else release1.push(message);
    }
    // Only what is sent counts against --rate.
    options.rate?.giveBack(batch.length - fresh.length);
    // Progress is any message not seen before (skipped ones too) or a copy still to clean up.
    // (--keep: a held copy that came back is not progress; it is only held again.)
    const progress = newlySkipped + fresh.length + (options.keep ? 0 : deleteAgain.length) + duplicates.length;
    // One batch per FIFO group at a time: its group is in flight until the batch is settled.
    for (const g of batchGroups) groupsInFlight.add(g);
    const done = settle(fresh, release1, deleteAgain, duplicates).finally(() => {
      for (const g of batchGroups) groupsInFlight.delete(g);
    });
    return { fresh: progress, done };
  }

  async function settle(fresh: Item[], release1: QueueMessage[], deleteAgain: Item[], duplicates: Item[]) {
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    for (const f of fresh) inflight.set(f.message.messageId, done);
    try {
      // Filtered-out messages go back at once, while the batch is being delivered.
      const releasing = release(release1);
      const { delivered, refused } = await deliver(fresh);
      await Promise.all([releasing, release(refused), deleteDelivered([...delivered, ...deleteAgain])]);
    } finally {
      for (const f of fresh) inflight.delete(f.message.messageId);
      finished();
    }
    if (duplicates.length > 0) await settleDuplicates(duplicates);
    options.onProgress?.(snapshot());
  }

  /** A second copy waits for the worker delivering the first, then is deleted or released with it. */
  async function settleDuplicates(duplicates: Item[]) {
    await Promise.all(duplicates.map((d) => inflight.get(d.message.messageId)));
    const moved = duplicates.filter((d) => ["moved", "sent"].includes(seen.get(d.message.messageId) as string));
    const other = duplicates.filter((d) => !moved.includes(d)).map((d) => d.message);
    await Promise.all([deleteDelivered(moved), release(other)]);
  }

  function snapshot(): RedriveReport {
    return { ...report, failed: failures.size, failures: [...failures.values()] };
  }

  try {
    await receiveLoop(sqs, {
      ...queueRead(options),
      idleLimit: options.idleReceives,
      remaining: () => max - taken,
      // Without a filter every message received is taken, so receives ask only for what --max
      // leaves. With one, most may be skipped: receive full batches and count what matches.
      reserve: !options.classes,
      rate: options.rate,
      oneReceiveAtATime: fifoSource,
      stopped: () => stop,
      take,
    });
  } catch (error) {
    // The other workers finished their batches; what is not moved is still in the DLQ.
    report.stoppedBy ??= (error as Error).message;
  }
  if (held.size > 0) {
    const failed = await releaseAll(sqs, options.queueUrl, [...held.values()], options.concurrency);
    if (failed.length > 0) report.releaseFailures = failed.length;
  }
  return snapshot();
}
