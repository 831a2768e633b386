import type { Context } from "../context.js";
import { createCredentialsCache, type CachedCredentials } from "../credentials-cache.js";
import type { Exchanged } from "./exchange.js";
import type { SamlRole } from "./roles.js";

/**
 * The credentials cache around a SAML sign-in: answer from `<config dir>/credentials/` while
 * the credentials have more than `minRemainingMs` left; otherwise take the sign-in lock (ten
 * SDK processes starting at once wait for one sign-in), look again (the holder may just have
 * filled it), sign in and save. `force` signs in anyway (and saves the result).
 */
export interface CacheUse {
  key: string;
  force: boolean;
  minRemainingMs: number;
}

/** How long a waiter waits for another process's sign-in (a password prompt, an MFA push). */
export const LOCK_WAIT_MS = 5 * 60_000;
/** A lock older than this is a hung holder's: taken over. */
export const LOCK_STALE_MS = 10 * 60_000;

export interface SignedIn {
  /** The credential sets, each with the role attributes (cached or just obtained). */
  credentials: CachedCredentials[];
  cached: boolean;
}

/**
 * `signIn` returns the sets to keep, and whether they may be kept (a batch with a refused role
 * is not saved, so the next run tries that role again).
 */
export async function cachedSignIn(ctx: Context, use: CacheUse | undefined, signIn: () => Promise<{ credentials: CachedCredentials[]; save: boolean }>): Promise<SignedIn> {
  if (!use) return { ...(await signIn()), cached: false };
  const cache = createCredentialsCache(ctx.env, "saml");
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
    onWait: (holder) => ctx.out.debug(`waiting for another awsblog sign-in (pid ${holder.pid}, since ${holder.since})`),
  });
  try {
    const again = await look();
    if (again) return { credentials: again.credentials, cached: true };
    const fresh = await signIn();
    if (fresh.save && fresh.credentials.length) await cache.save(use.key, fresh.credentials, ctx.now());
    return { credentials: fresh.credentials, cached: false };
  } finally {
    await lock.release();
  }
}

/** An exchange's result as a cache entry's set: the role's attributes ride along, never secrets. */
export function toCached(r: Exchanged, subject: string | undefined): CachedCredentials {
  return {
    accessKeyId: r.credentials.accessKeyId,
    secretAccessKey: r.credentials.secretAccessKey,
    sessionToken: r.credentials.sessionToken,
    expiration: r.credentials.expiration.toISOString(),
    attributes: {
      roleArn: r.role.roleArn,
      principalArn: r.role.principalArn,
      accountId: r.role.accountId,
      roleName: r.role.roleName,
      subject: r.subject ?? subject ?? null,
      durationSeconds: r.durationSeconds,
      ...(r.identityId ? { identityId: r.identityId } : {}),
    },
  };
}

/** The role a cached set was issued for. */
export function cachedRole(c: CachedCredentials): SamlRole {
  const a = c.attributes ?? {};
  return { roleArn: String(a.roleArn ?? ""), principalArn: String(a.principalArn ?? ""), accountId: String(a.accountId ?? ""), roleName: String(a.roleName ?? "") };
}
