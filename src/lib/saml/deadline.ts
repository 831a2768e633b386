import { FailureError, InterruptedError } from "../errors.js";

/**
 * Every network call of a SAML sign-in ends: after `AWSBLOG_SAML_TIMEOUT` seconds (default
 * 30) or on Ctrl-C, whichever comes first. Our own timer, because on Node 20
 * `AbortSignal.any([…, AbortSignal.timeout(≥ 20 s)])` may never fire, and the SDK's
 * requestTimeout only logs a warning unless told to throw.
 */
export const DEFAULT_TIMEOUT_SECONDS = 30;

export function timeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.AWSBLOG_SAML_TIMEOUT;
  const seconds = raw !== undefined && /^\d+$/.test(raw.trim()) && Number(raw) >= 1 && Number(raw) <= 600 ? Number(raw) : DEFAULT_TIMEOUT_SECONDS;
  return seconds * 1000;
}

export async function withDeadline<T>(
  what: string,
  hint: string,
  parent: AbortSignal,
  ms: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort();
  if (parent.aborted) throw new InterruptedError(`interrupted before ${what}`);
  parent.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  try {
    return await call(controller.signal);
  } catch (error) {
    if (parent.aborted) throw new InterruptedError(`interrupted during ${what}`);
    if (timedOut) throw new FailureError(`${what}: no answer within ${ms / 1000} s`, hint, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
    parent.removeEventListener("abort", onAbort);
  }
}
