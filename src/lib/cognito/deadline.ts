/**
 * An AbortSignal that fires after `ms` or when `parent` aborts (Ctrl-C), whichever comes first.
 *
 * Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 the composite holds the
 * timeout signal only weakly, so a garbage collection while the request waits collects its
 * timer and the request waits forever (issue #14: `cognito call --timeout 20` never fired).
 * Here the timer holds the controller. Generic: move to src/lib/ if other groups need it.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the time ran out (as opposed to the parent aborting). */
  readonly expired: boolean;
  /** Stops the timer and the parent listener; call when the work is done. */
  dispose(): void;
}

export function deadline(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError"));
  }, ms);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
