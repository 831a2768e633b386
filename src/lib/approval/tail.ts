import type { ExecutionsApi, HistoryEventView } from "../aws/sfn.js";
import { isThrottling, isTransient } from "../retry.js";
import { createPacer, type PollOutcome } from "./pacing.js";
import { END_EVENTS } from "./history.js";

export interface TailSettings {
  follow: boolean;
  intervalMs: number;
}

export interface TailDeps {
  api: Pick<ExecutionsApi, "getExecutionHistory">;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  signal: AbortSignal;
  /** Each event once, oldest first. */
  emit(event: HistoryEventView): void;
  /** A follow poll failed with throttling or a blip, after the client's own attempts. */
  onRetry?(error: unknown): void;
}

export interface TailOutcome {
  events: number;
  /** The execution's last event when it has ended (ExecutionSucceeded…). */
  ended?: string;
  interrupted: boolean;
  calls: number;
}

/** The largest page AWS serves; following reads newest first in small pages (usually one). */
const FIRST_PAGE = 1000;
const FOLLOW_PAGE = 25;

/**
 * Prints an execution's history, then (with `follow`) only what is new until the execution
 * ends. The first pass pages forward; each follow poll pages backwards from the newest event
 * until it reaches one already printed, so a long history is not read again.
 */
export async function tailExecution(executionArn: string, settings: TailSettings, deps: TailDeps): Promise<TailOutcome> {
  let lastId = 0;
  let ended: string | undefined;
  let calls = 0;
  let events = 0;
  const emit = (event: HistoryEventView) => {
    if (event.id <= lastId) return;
    lastId = event.id;
    events++;
    if (END_EVENTS.has(event.type)) ended = event.type;
    deps.emit(event);
  };
  const done = (interrupted: boolean): TailOutcome => ({ events, ended, interrupted, calls });

  let nextToken: string | undefined;
  do {
    if (deps.signal.aborted) return done(true);
    calls++;
    const page = await deps.api.getExecutionHistory(executionArn, { nextToken, maxResults: FIRST_PAGE });
    page.events.forEach(emit);
    nextToken = page.nextToken;
  } while (nextToken);
  if (!settings.follow || ended) return done(false);

  const pacer = createPacer(settings.intervalMs, deps.random);
  let outcome: PollOutcome = "same";
  for (;;) {
    await deps.sleep(pacer.next(outcome), deps.signal);
    if (deps.signal.aborted) return done(true);
    try {
      const fresh: HistoryEventView[] = [];
      let token: string | undefined;
      let reached = false;
      do {
        calls++;
        const page = await deps.api.getExecutionHistory(executionArn, { nextToken: token, maxResults: FOLLOW_PAGE, reverse: true });
        // Filtered rather than cut at the first old event: a server that ignores reverseOrder
        // (moto does) answers oldest first, and its new events are still found.
        for (const event of page.events) {
          if (event.id <= lastId) reached = true;
          else fresh.push(event);
        }
        token = page.nextToken;
      } while (!reached && token && !deps.signal.aborted);
      fresh.sort((a, b) => a.id - b.id).forEach(emit);
      outcome = fresh.length > 0 ? "changed" : "same";
    } catch (error) {
      if (deps.signal.aborted) return done(true);
      if (!isTransient(error)) throw error;
      outcome = isThrottling(error) ? "throttled" : "same";
      deps.onRetry?.(error);
    }
    if (ended) return done(false);
  }
}
