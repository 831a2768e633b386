import { AwsError, AwsblogError, NoAnswerError } from "./errors.js";

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

/**
 * The one classifier of failures worth another try, for the SDK's raw errors (the AWS error
 * code is their `name`) and for our AwsErrors (`code`) alike: the factory's rate limiter and
 * timeout-retry rule, and every loop that retries on top of the SDK's own retries, use it.
 */
const THROTTLING_CODES =
  /^(Throttling|ThrottlingException|ThrottledException|TooManyRequestsException|RequestLimitExceeded|RequestThrottled|RequestThrottledException|SlowDown|EC2ThrottledException|KMSThrottlingException|ProvisionedThroughputExceededException|PriorRequestNotComplete|BandwidthLimitExceeded)$/;
/** Answers that say AWS itself failed this time (5xx, or a server-side request timeout). */
const SERVER_CODES =
  /^(ServiceUnavailable|ServiceUnavailableException|InternalFailure|InternalServerError|InternalError|InternalServiceError|ServiceException|RequestTimeout|RequestTimeoutException)$/;
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ECONNABORTED|UND_ERR_SOCKET)$/;

export function isThrottlingCode(code: string): boolean {
  return THROTTLING_CODES.test(code);
}

type ErrorFields = { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: unknown };

function awsCodeOf(error: unknown): string | undefined {
  if (error instanceof AwsError) return error.code;
  if (error instanceof AwsblogError) return undefined;
  return (error as ErrorFields | undefined)?.name;
}

/** AWS asked us to slow down (429 or one of its throttling codes). */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = awsCodeOf(error);
  if (code && isThrottlingCode(code)) return true;
  return !(error instanceof AwsblogError) && (error as ErrorFields).$metadata?.httpStatusCode === 429;
}

/**
 * The HTTP handler gave up waiting (connect, response or socket timeout) — not a reset or a
 * refused connection, which the SDK also names TimeoutError but which fail fast.
 */
export function isTimeout(error: unknown): boolean {
  const err = error as ErrorFields | undefined;
  return err?.name === "TimeoutError" && err.code !== "ECONNRESET" && err.code !== "EPIPE" && err.code !== "ECONNREFUSED";
}

/**
 * Errors worth retrying later: throttling, AWS 5xx and network failures. Not: access denied,
 * no such resource, bad credentials (they will not fix themselves), and not a call that got no
 * answer within its limits (NoAnswerError): the SDK already retried it once, and repeating it
 * would multiply the wait the limits promise.
 */
export function isTransient(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof NoAnswerError) return false;
    if (isThrottling(current)) return true;
    const code = awsCodeOf(current);
    if (code && SERVER_CODES.test(code)) return true;
    if (!(current instanceof AwsblogError)) {
      const err = current as ErrorFields;
      if (isTimeout(current)) return true;
      if (err.code && NETWORK_CODES.test(err.code)) return true;
      if ((err.$metadata?.httpStatusCode ?? 0) >= 500) return true;
      if (err.$retryable) return true;
    }
    current = (current as ErrorFields).cause;
  }
  return false;
}
