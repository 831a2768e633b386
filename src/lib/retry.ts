import { AwsError, AwsblogError } from "./errors.js";

/**
 * Waiting between attempts, shared by every loop that retries on top of the SDK's own
 * retries (approval worker polls, DLQ batches, EC2 tag batches, Lambda updates).
 */

export interface BackoffOptions {
  /** The ceiling of the first wait; it doubles each attempt. */
  baseMs: number;
  capMs: number;
  /** The shortest wait (0 = full jitter). */
  minMs?: number;
  random?: () => number;
}

/**
 * Exponential backoff with jitter (the AWS Architecture Blog's recommendation): attempt n
 * waits a random time in [minMs, min(capMs, baseMs·2^n)], so callers that failed together do
 * not retry together.
 */
export function backoffMs(attempt: number, { baseMs, capMs, minMs = 0, random = Math.random }: BackoffOptions): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(minMs + random() * Math.max(0, ceiling - minMs));
}

/** Waits, or resolves early when the signal aborts (Ctrl-C must not wait out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

const TRANSIENT_CODES =
  /^(Throttling|ThrottlingException|ThrottledException|TooManyRequestsException|RequestLimitExceeded|ServiceUnavailable|ServiceUnavailableException|InternalFailure|InternalServerError|InternalError|RequestTimeout|RequestTimeoutException|TimeoutError|EC2ThrottledException|SlowDown)$/;
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ECONNABORTED|UND_ERR_SOCKET)$/;

/**
 * Errors worth retrying later: throttling, AWS 5xx, timeouts and network failures. Anything
 * else (access denied, no such resource, bad credentials) will not fix itself.
 */
export function isTransient(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const err = current as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
    if (current instanceof AwsError && TRANSIENT_CODES.test(current.code)) return true;
    if (!(current instanceof AwsblogError)) {
      if (err.name && TRANSIENT_CODES.test(err.name)) return true;
      if (err.code && NETWORK_CODES.test(err.code)) return true;
      if ((err.$metadata?.httpStatusCode ?? 0) >= 500) return true;
      if (err.$retryable) return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
