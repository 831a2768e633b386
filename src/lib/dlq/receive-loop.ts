import type { QueueMessage, SqsApi } from "../aws/sqs.js";
import { runWorkers } from "./pool.js";
import type { RateLimit } from "../pacing.js";

/**
 * The one receive loop of `dlq inspect` (peek) and `dlq redrive`: `concurrency` workers each
 * receive a batch, hand it to `take`, and go again. The loop ends when nothing more is wanted
 * (`remaining()`), a receive comes back empty, `idleLimit` receives in a row bring nothing
 * new (messages already seen keep coming back), the caller stops it, a receive fails (thrown
 * after the other workers finished their batches), or on Ctrl-C. A receive in flight is not
 * tied to the signal: a batch SQS handed out is always handled.
 */
export interface ReceiveLoopOptions {
  queueUrl: string;
  concurrency: number;
  visibilityTimeout: number;
  waitTimeSeconds: number;
  signal?: AbortSignal;
  /** Messages still wanted (Infinity: all of them). `take` counts it down. */
  remaining(): number;
  /**
   * true: every new message received counts towards `remaining`, so a receive asks only for
   * what is left once the other workers' receives in flight are accounted for. false (a
   * filter may drop most messages): always ask for 10 and let `take` decide what counts.
   */
  reserve: boolean;
  /** Stop after this many receives in a row that bring nothing new (default 5). */
  idleLimit?: number;
  /**
   * --rate: each receive first reserves what it asks for (at most `rate.batch`) and gives back
   * what did not come; `take` gives back what it did not send.
   */
  rate?: RateLimit;
  /**
   * Receive and `take` one batch at a time across the workers (deliveries still overlap): a
   * FIFO source, so `take` sees which groups are in flight before the next batch arrives.
   */
  oneReceiveAtATime?: boolean;
  /** True once the caller wants no further batch (e.g. a fatal target error). */
  stopped?(): boolean;
  /**
   * Takes a non-empty batch. Synchronously, before returning: counts what it took (so
   * `remaining()` is right for the other workers) and says how many messages were new.
   * `done` is the work still to do on the batch (delivering it); the worker awaits it before
   * its next receive.
   */
  take(batch: QueueMessage[]): { fresh: number; done?: Promise<void> };
}

/** The queue and how to read it: the fields peek, purge and redrive take from their own options. */
export type QueueRead = Pick<ReceiveLoopOptions, "queueUrl" | "concurrency" | "visibilityTimeout" | "waitTimeSeconds" | "signal">;

export function queueRead({ queueUrl, concurrency, visibilityTimeout, waitTimeSeconds, signal }: QueueRead): QueueRead {
  return { queueUrl, concurrency, visibilityTimeout, waitTimeSeconds, signal };
}

export async function receiveLoop(sqs: SqsApi, options: ReceiveLoopOptions): Promise<void> {
  const idleLimit = options.idleLimit ?? 5;
  let reserved = 0;
  let idle = 0;
  let holding = 0;
  /** Batches settled so far: a receive that saw none settle while it waited may trust an empty answer. */
  let settled = 0;
  let stop = false;
  const going = () => !stop && !options.signal?.aborted && !options.stopped?.();
  // --rate: workers waiting for their slot give up once a receive finds the queue empty.
  const drained = new AbortController();
  const paceSignal = options.signal ? AbortSignal.any([options.signal, drained.signal]) : drained.signal;

  let turns: Promise<void> = Promise.resolve();
  const receiveTurn = (): Promise<() => void> => {
    let release!: () => void;
    const previous = turns;
    turns = new Promise<void>((resolve) => (release = resolve));
    return previous.then(() => release);
  };

  await runWorkers(options.concurrency, async () => {
    while (going()) {
      const open = options.remaining() - reserved;
      if (open <= 0) return;
      const want = Math.min(options.reserve ? Math.min(10, open) : 10, options.rate?.batch ?? 10);
      const reservation = options.reserve ? want : 0;
      reserved += reservation;
      let batch: QueueMessage[];
      let taken: { fresh: number; done?: Promise<void> } | undefined;
      const settledBefore = settled;
      try {
        // Paced before the receive: nothing waits hidden for its turn.
        if (options.rate && !(await options.rate.take(want, paceSignal))) {
          options.rate.giveBack(want);
          return;
        }
        // One receive at a time when asked (FIFO): the batch is taken before the next receive.
        const unlock = options.oneReceiveAtATime ? await receiveTurn() : undefined;
        try {
          batch = await sqs.receive(options.queueUrl, {
            maxMessages: want,
            visibilityTimeout: options.visibilityTimeout,
            waitTimeSeconds: options.waitTimeSeconds,
          });
          if (batch.length > 0) taken = options.take(batch);
        } finally {
          unlock?.();
        }
      } catch (error) {
        stop = true; // the other workers finish the batch in hand and stop
        throw error;
      } finally {
        // `take` below counts what the batch brought before anything else runs.
        reserved -= reservation;
      }
      options.rate?.giveBack(want - batch.length);
      if (batch.length === 0) {
        // A batch settled while this receive waited: its FIFO groups were locked when the
        // receive looked and are free now. Look again rather than call the queue drained.
        if (holding === 0 && settled !== settledBefore) continue;
        drained.abort();
        // Empty while another worker holds a batch can mean a FIFO group is locked by it:
        // leave this worker, and let the last one standing decide the queue is drained.
        if (holding === 0) stop = true;
        return;
      }
      const { fresh, done } = taken as { fresh: number; done?: Promise<void> };
      idle = fresh === 0 ? idle + 1 : 0;
      if (idle >= idleLimit) stop = true;
      if (done) {
        holding += 1;
        try {
          await done;
        } finally {
          holding -= 1;
          settled += 1;
        }
      }
    }
  });
}
