/**
 * Every limit on waiting, in one place: the timer every own deadline uses, and the limits
 * derived from the two flags (`--cli-connect-timeout`, `--cli-read-timeout`). docs/timeouts.md
 * lists each one; a new deadline derives from `Limits` here rather than inventing a number.
 */

/** The two flags, in ms; 0 = no limit. */
export interface Limits {
  /** Time to open the TCP (and TLS) connection. */
  connectMs: number;
  /** Time to wait for the response to start, and for the socket to go quiet after that. */
  readMs: number;
}

/** Defaults: the AWS CLI's 60 s read timeout; 10 s to connect (AWS answers a connect in ms). */
export const DEFAULT_LIMITS: Limits = { connectMs: 10_000, readMs: 60_000 };

/** The flags as the global options hold them (seconds, undefined = not given). */
export function limitsFrom(globals: { readTimeout?: number; connectTimeout?: number }): Limits {
  return {
    connectMs: globals.connectTimeout !== undefined ? globals.connectTimeout * 1000 : DEFAULT_LIMITS.connectMs,
    readMs: globals.readTimeout !== undefined ? globals.readTimeout * 1000 : DEFAULT_LIMITS.readMs,
  };
}

/**
 * The total time one AWS call may take, all attempts and backoff included: one full attempt
 * (connect + its read limit) and a retry of half the read limit. A silent endpoint therefore
 * ends a call after about 1.5 × the read timeout (100 s with the defaults: under 2 minutes),
 * while throttling and 5xx answers, which come back fast, keep all their attempts.
 * 0 = no limit (`--cli-read-timeout 0`).
 */
export function callBudgetMs(limits: Limits, firstReadMs = limits.readMs): number {
  if (limits.readMs === 0 || firstReadMs === 0) return 0;
  return limits.connectMs + firstReadMs + limits.readMs / 2;
}

/** Extra wait after a long poll's server-side hold, before we call the endpoint silent. */
const LONG_POLL_GRACE_CAP_MS = 10_000;

/**
 * The read limit of a long poll that the server holds up to `holdMs` (SQS ReceiveMessage 20 s,
 * Step Functions GetActivityTask 60 s): the hold plus the read timeout, at most 10 s more.
 */
export function longPollMs(limits: Limits, holdMs: number): number {
  if (limits.readMs === 0) return 0;
  return holdMs + Math.min(limits.readMs, LONG_POLL_GRACE_CAP_MS);
}

/**
 * One HTTP exchange that is not an AWS call (an IdP page), start to last byte: connect + read.
 * `override` (AWSBLOG_SAML_TIMEOUT) wins unless --cli-read-timeout was given explicitly.
 */
export function requestBudgetMs(limits: Limits, options: { readFlagGiven?: boolean; overrideMs?: number } = {}): number {
  if (options.overrideMs !== undefined && !options.readFlagGiven) return options.overrideMs;
  if (limits.readMs === 0) return 0;
  return limits.connectMs + limits.readMs;
}

/** "0.4 s", "12 s": how long something took or may take, for messages. */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? Math.round(s * 10) / 10 : Math.round(s)} s`;
}

/**
 * An AbortSignal that fires after `ms` (0 = never) or when `parent` aborts (Ctrl-C), whichever
 * comes first. `reason` is what the signal aborts with when the time runs out.
 *
 * Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 the composite holds the
 * timeout signal only weakly, so a garbage collection while a request waits collects its timer
 * and the request waits forever (issue #14). Here the timer holds the controller.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the time ran out (as opposed to the parent aborting). */
  readonly expired: boolean;
  /** Ends it now (unless it already ended), with this reason. */
  abort(reason?: unknown): void;
  /** ms since the deadline started. */
  elapsed(): number;
  /** Stops the timer and the parent listener; call when the work is done. */
  dispose(): void;
}

export function deadline(ms: number, parent?: AbortSignal, reason?: () => unknown): Deadline {
  const controller = new AbortController();
  const started = Date.now();
  let expired = false;
  const onParentAbort = () => controller.abort(parent?.reason);
  const timer =
    ms > 0
      ? setTimeout(() => {
          expired = true;
          controller.abort(reason ? reason() : new DOMException(`no answer within ${ms} ms`, "TimeoutError"));
        }, ms)
      : undefined;
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    abort: (why) => {
      if (!controller.signal.aborted) controller.abort(why);
    },
    elapsed: () => Date.now() - started,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
