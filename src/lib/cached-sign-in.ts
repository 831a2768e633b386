import type { Context } from "./context.js";
import { createCredentialsCache, type CachedCredentials } from "./credentials-cache.js";
import { UsageError } from "./errors.js";
import { DEFAULT_MIN_REMAINING_MS, parseSpan } from "./span.js";
import { clipValue } from "./terminal.js";

export { DEFAULT_MIN_REMAINING_MS, parseSpan };

/**
 * A sign-in whose temporary AWS credentials are kept in the credentials cache (issue #20's
 * rules, shared by `saml login` and `cognito credentials`): answered from
 * `<config dir>/credentials/<namespace>/` while every set has more than `minRemainingMs` left;
 * otherwise one sign-in under the key's lock (SDK clients starting at once run
 * `credential_process` together: the others wait, then read what it saved). `force` signs in
 * anyway and saves the result. Domain-free: the caller names the namespace and the key
 * (everything that identifies the sign-in, never a secret).
 */
export interface CacheUse {
  namespace: string;
  key: string;
  force: boolean;
  minRemainingMs: number;
}

/** How long a waiter waits for another process's sign-in (a password prompt, an MFA push). */
export const LOCK_WAIT_MS = 5 * 60_000;
/** A lock older than this is a hung holder's: taken over. */
export const LOCK_STALE_MS = 10 * 60_000;

export interface SignedIn {
  /** The credential sets (cached or just obtained), each with its caller's attributes. */
  credentials: CachedCredentials[];
  cached: boolean;
}

/**
 * `signIn` returns the sets, and whether they may be kept (`save: false`: a batch with a
 * refused role is not saved, so the next run tries that role again). No `use`: no cache.
 */
export async function cachedSignIn(ctx: Context, use: CacheUse | undefined, signIn: () => Promise<{ credentials: CachedCredentials[]; save?: boolean }>): Promise<SignedIn> {
  if (!use) return { credentials: (await signIn()).credentials, cached: false };
  const cache = createCredentialsCache(ctx.env, use.namespace);
  const look = async () => (use.force ? undefined : cache.read(use.key, { now: ctx.now(), minRemainingMs: use.minRemainingMs }));
  const hit = await look();
  if (hit) {
    ctx.out.debug(`credentials from the cache (saved ${hit.savedAt})`);
    return { credentials: hit.credentials, cached: true };
  }
  const lock = await cache.lock(use.key, {
    signal: ctx.signal,
    sleep: (ms, signal) => ctx.services.sleep(ms, signal),
    monotonicNow: () => ctx.services.monotonicNow(),
    now: ctx.now,
    waitMs: LOCK_WAIT_MS,
    staleMs: LOCK_STALE_MS,
    // Debug only: a credential_process caller shows stderr, and failure output stays one line.
    onWait: (holder) => ctx.out.debug(`waiting for another awsblog sign-in (pid ${holder.pid}, since ${holder.since})`),
  });
  try {
    // The holder we waited for may have filled it.
    const again = await look();
    if (again) return { credentials: again.credentials, cached: true };
    const fresh = await signIn();
    if (fresh.save !== false && fresh.credentials.length) await cache.save(use.key, fresh.credentials, ctx.now());
    return { credentials: fresh.credentials, cached: false };
  } finally {
    await lock.release();
  }
}

/** The `--min-remaining <span>` value parser both commands use. */
export function minRemainingSpan(value: string): number {
  const ms = parseSpan(value);
  if (ms === undefined) throw new UsageError(`--min-remaining "${clipValue(value, 40)}" is not a span`, "pass seconds or a number with s, m or h (e.g. 15m), at most 12h");
  return ms;
}
