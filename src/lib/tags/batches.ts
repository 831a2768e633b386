import { AwsError } from "../errors.js";
import { backoffMs, isThrottling } from "../retry.js";
import type { Clock } from "../pacing.js";

/** EC2 accepts up to 1,000 resource ids per CreateTags / StopInstances / TerminateInstances. */
export const MAX_IDS_PER_CALL = 1000;
/** TagResources and UntagResources (Resource Groups Tagging API) take at most 20 ARNs a call. */
export const MAX_ARNS_PER_CALL = 20;

export interface TagBatch {
  tagKey: string;
  value: string;
  instanceIds: string[];
}

/**
 * One CreateTags call writes one (key, value) to many instances, so fixes are grouped by
 * identical (key, value) and cut into chunks of 1,000 ids: calls ≈ distinct pairs.
 */
export function groupTagFixes(fixes: { instanceId: string; tagKey: string; value: string }[], max = MAX_IDS_PER_CALL): TagBatch[] {
  const groups = new Map<string, TagBatch>();
  for (const fix of fixes) {
    const id = JSON.stringify([fix.tagKey, fix.value]);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { tagKey: fix.tagKey, value: fix.value, instanceIds: [] }));
    group.instanceIds.push(fix.instanceId);
  }
  return [...groups.values()].flatMap((g) => chunk(g.instanceIds, max).map((ids) => ({ ...g, instanceIds: ids })));
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// Errors that say nothing about a particular instance: splitting the batch would only repeat them.
const WHOLE_CALL = /^(UnauthorizedOperation|AccessDenied.*|AuthFailure|InvalidClientTokenId|ExpiredToken.*|SignatureDoesNotMatch|DryRunOperation)$/;

export interface BackoffOptions {
  clock: Clock;
  signal?: AbortSignal;
  /** Extra attempts after the SDK's own retries gave up on throttling. */
  retries?: number;
  baseMs?: number;
  random?: () => number;
}

/**
 * Retries a call that EC2 throttled (RequestLimitExceeded), with capped exponential backoff
 * and full jitter, on top of the SDK's adaptive retries: a long enforce run should slow down
 * rather than fail when the account's API budget is shared with other tools.
 */
export async function withBackoff<T>(call: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const retries = options.retries ?? 4;
  const base = options.baseMs ?? 1000;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= retries || options.signal?.aborted) throw error;
      await options.clock.sleep(backoffMs(attempt, { baseMs: base, capMs: 20_000, random }), options.signal);
    }
  }
}

/**
 * Runs one batch call; when EC2 rejects the whole batch because of some of its instances
 * (termination protection, an instance gone meanwhile), splits it in halves and retries, so
 * only the offending instances fail. Returns each id's error, or undefined when it succeeded.
 */
export async function runSplitting(
  ids: string[],
  call: (ids: string[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<Map<string, Error | undefined>> {
  const results = new Map<string, Error | undefined>();
  const run = async (part: string[]): Promise<void> => {
    if (signal?.aborted) return;
    try {
      await call(part);
      for (const id of part) results.set(id, undefined);
    } catch (error) {
      const err = error as Error;
      if (part.length === 1 || !splittable(err)) {
        for (const id of part) results.set(id, err);
        return;
      }
      const half = Math.ceil(part.length / 2);
      await run(part.slice(0, half));
      await run(part.slice(half));
    }
  };
  await run(ids);
  return results;
}

function splittable(error: Error): boolean {
  return error instanceof AwsError && !isThrottling(error) && !WHOLE_CALL.test(error.code);
}
