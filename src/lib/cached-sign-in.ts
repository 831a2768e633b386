import type { Context } from "./context.js";
import { createCredentialsCache, type CachedCredentials } from "./credentials-cache.js";

/**
 * A sign-in whose temporary AWS credentials are kept in the credentials cache (the rules of
 * `saml login`'s cache, issue #20): answered from `<config dir>/credentials/` while every set
 * has more than `minRemainingMs` left; otherwise one sign-in under the key's lock (SDK clients
 * starting at once run `credential_process` together: the others wait, then read what it
 * saved). `force` signs in anyway and saves the result. Domain-free: the caller names the
 * namespace and the key (everything that identifies the sign-in, never a secret).
 */
export interface CacheUse {
  namespace: string;
  key: string;
  force: boolean;
  minRemainingMs: number;
}

export const DEFAULT_MIN_REMAINING_MS = 15 * 60_000;
/** Waiting for another process's sign-in (it may be at a prompt). */
const LOCK_WAIT_MS = 5 * 60_000;
/** A lock held longer than this belongs to a hung process: taken over. */
const LOCK_STALE_MS = 10 * 60_000;

export async function cachedSignIn(ctx: Context, use: CacheUse, signIn: () => Promise<CachedCredentials[]>): Promise<{ credentials: CachedCredentials[]; cached: boolean }> {
  const cache = createCredentialsCache(ctx.env, use.namespace);
  const fresh = async () => (use.force ? undefined : cache.read(use.key, { now: ctx.now(), minRemainingMs: use.minRemainingMs }));
  const hit = await fresh();
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
    onWait: (holder) => ctx.out.info(`waiting for another awsblog sign-in (pid ${holder.pid}, since ${holder.since})…`),
  });
  try {
    // The holder we waited for may have filled it.
    const filled = await fresh();
    if (filled) return { credentials: filled.credentials, cached: true };
    const credentials = await signIn();
    await cache.save(use.key, credentials, ctx.now());
    return { credentials, cached: false };
  } finally {
    await lock.release();
  }
}

/** `900`, `900s`, `15m`, `1h` → milliseconds (at most 12 h); undefined when it is not one. */
export function parseSpan(value: string): number | undefined {
  const match = /^(\d{1,6})([smh]?)$/.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * { "": 1000, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "" | "s" | "m" | "h"];
  return ms <= 12 * 3_600_000 ? ms : undefined;
}
