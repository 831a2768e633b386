import { toAwsblogError } from "../aws/errors.js";
import { FailureError, InterruptedError } from "../errors.js";

/**
 * One call with a deadline. Our own timer, not AbortSignal.any/timeout (which does not fire
 * on some Node 20 releases) and not the handler's requestTimeout (which only warns).
 */
export async function withDeadline<T>(
  service: string,
  operation: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  send: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) controller.abort();
  try {
    return await send(controller.signal);
  } catch (error) {
    if (timedOut) {
      throw new FailureError(
        `${service} ${operation}: no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`,
        "check your network and --endpoint-url, then retry",
        { cause: error },
      );
    }
    if (signal?.aborted) throw new InterruptedError(`interrupted during ${service} ${operation}`, "nothing was changed by this call");
    throw toAwsblogError(error, service, operation);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
