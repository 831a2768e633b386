import type { ExecutionStatus, ExecutionsApi } from "../aws/sfn.js";
import { isThrottling, isTransient } from "../retry.js";
import { createPacer } from "./pacing.js";

/** The statuses an execution does not leave (a redrive starts it again as RUNNING). */
export const FINAL_STATUSES = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]);

export interface WaitSettings {
  intervalMs: number;
  /** Give up after this long; undefined waits until the end or Ctrl-C. */
  timeoutMs?: number;
}

export interface WaitDeps {
  api: Pick<ExecutionsApi, "describeExecution">;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  /** The pacing clock (ms). */
  monotonicNow(): number;
  signal: AbortSignal;
  /** A poll that failed with throttling or a blip, after the client's own attempts: told before waiting longer. */
  onRetry?(error: unknown): void;
}

export interface WaitOutcome extends ExecutionStatus {
  timedOut: boolean;
  interrupted: boolean;
  polls: number;
}

/**
 * DescribeExecution until the execution ends, the time runs out or Ctrl-C. Throttling and
 * AWS-side blips that outlive the client's retries slow the polls down instead of ending the
 * wait; anything else (no such execution, access denied) ends it with that error.
 */
export async function waitForExecution(executionArn: string, settings: WaitSettings, deps: WaitDeps): Promise<WaitOutcome> {
  const pacer = createPacer(settings.intervalMs, deps.random);
  const started = deps.monotonicNow();
  let last: ExecutionStatus = { status: "RUNNING" };
  let polls = 0;
  const end = (fields: Partial<WaitOutcome>): WaitOutcome => ({ ...last, timedOut: false, interrupted: false, polls, ...fields });

  for (;;) {
    if (deps.signal.aborted) return end({ interrupted: true });
    let outcome: "same" | "throttled" = "same";
    try {
      polls++;
      last = await deps.api.describeExecution(executionArn);
      if (FINAL_STATUSES.has(last.status)) return end({});
    } catch (error) {
      if (deps.signal.aborted) return end({ interrupted: true });
      if (!isTransient(error)) throw error;
      outcome = isThrottling(error) ? "throttled" : "same";
      deps.onRetry?.(error);
    }
    let wait = pacer.next(outcome);
    if (settings.timeoutMs !== undefined) {
      const left = started + settings.timeoutMs - deps.monotonicNow();
      if (left <= 0) return end({ timedOut: true });
      wait = Math.min(wait, left);
    }
    await deps.sleep(wait, deps.signal);
  }
}
