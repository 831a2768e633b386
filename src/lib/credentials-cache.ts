import { constants } from "node:fs";
import { link, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { FailureError, InterruptedError } from "./errors.js";
import { fileKey } from "./file-key.js";
import { createPrivateStore, type PrivateStore } from "./private-store.js";

/**
 * Temporary AWS credentials kept between runs, so a `credential_process` that the SDKs call
 * again and again answers from disk instead of signing in each time. Domain-free: the caller
 * names a namespace ("saml", "cognito") and a key string (what identifies the sign-in: IdP,
 * user, role, duration…); the key is hashed into the file name and stored in the entry, which
 * must match on read. Files live in `<config dir>/credentials/` with the private-store rules
 * (0700 folder, 0600 files, atomic writes, symlinks and foreign owners refused).
 *
 * Concurrent processes (ten SDK clients starting at once) share one sign-in through `lock`: an
 * O_EXCL lock file per key holding the holder's pid, host and start time; a lock whose holder
 * died, or that is older than `staleMs`, is taken over.
 */
export interface CachedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** ISO 8601. */
  expiration: string;
  /** What the caller needs to answer from the cache (role ARN, profile…); never secrets. */
  attributes?: Record<string, string | number | null>;
}

export interface CredentialsEntry {
  version: 1;
  key: string;
  savedAt: string;
  credentials: CachedCredentials[];
}

export interface LockOptions {
  signal: AbortSignal;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Steady clock (ms) for the wait's own deadline. */
  monotonicNow(): number;
  /** Wall clock, written into the lock and compared across processes. */
  now(): Date;
  /** Give up waiting for another holder after this long. */
  waitMs: number;
  /** A lock older than this is taken over even when its holder still runs (it hung). */
  staleMs: number;
  /** Between looks at the lock; default 100 ms. */
  pollMs?: number;
  /** Called once when the lock is held by someone else and we start waiting. */
  onWait?(holder: LockHolder): void;
}

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export interface CredentialsLock {
  readonly file: string;
  /** Removes the lock file if it is still ours. */
  release(): Promise<void>;
}

export interface CredentialsCache {
  readonly dir: string;
  /** The entry when every credential set in it has more than `minRemainingMs` left. */
  read(key: string, options: { now: Date; minRemainingMs: number }): Promise<CredentialsEntry | undefined>;
  save(key: string, credentials: CachedCredentials[], now: Date): Promise<string>;
  remove(key: string): Promise<void>;
  /** Removes every entry (and stale lock) of the namespace; returns how many entries went. */
  removeAll(): Promise<number>;
  lock(key: string, options: LockOptions): Promise<CredentialsLock>;
}

/** A few credential sets are a few KB; anything much larger was not written by awsblog. */
const MAX_ENTRY_BYTES = 256 * 1024;

export function createCredentialsCache(env: NodeJS.ProcessEnv, namespace: string): CredentialsCache {
  if (!/^[a-z][a-z0-9-]*$/.test(namespace)) throw new Error(`bad credentials cache namespace ${namespace}`);
  const store = createPrivateStore({ env, folder: "credentials", label: "credentials cache", refill: "sign in again" });
  const base = (key: string) => `${namespace}-${fileKey(key)}`;

  return {
    dir: store.dir,
    async read(key, { now, minRemainingMs }) {
      if (!(await store.exists())) return undefined;
      const read = await store.read(`${base(key)}.json`, MAX_ENTRY_BYTES);
      if (!("text" in read)) return undefined;
      const entry = parseEntry(read.text);
      if (!entry || entry.key !== key || entry.credentials.length === 0) return undefined;
      const fresh = entry.credentials.every((c) => Date.parse(c.expiration) - now.getTime() > minRemainingMs);
      return fresh ? entry : undefined;
    },
    async save(key, credentials, now) {
      const entry: CredentialsEntry = { version: 1, key, savedAt: now.toISOString(), credentials };
      return store.write(`${base(key)}.json`, `${JSON.stringify(entry, null, 2)}\n`);
    },
    async remove(key) {
      await store.remove(`${base(key)}.json`);
    },
    async removeAll() {
      const mine = (await store.names()).filter((n) => n.startsWith(`${namespace}-`) && (n.endsWith(".json") || n.endsWith(".tmp")));
      for (const name of mine) await store.remove(name);
      return mine.filter((n) => n.endsWith(".json")).length;
    },
    lock: (key, options) => acquire(store, `${base(key)}.lock`, options),
  };
}

function parseEntry(text: string): CredentialsEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== "object") return undefined;
  const v = value as Partial<CredentialsEntry>;
  if (v.version !== 1 || typeof v.key !== "string" || !Array.isArray(v.credentials)) return undefined;
  const ok = v.credentials.every(
    (c: Partial<CachedCredentials> | null) =>
      c !== null &&
      typeof c === "object" &&
      typeof c.accessKeyId === "string" &&
      typeof c.secretAccessKey === "string" &&
      (c.sessionToken === undefined || typeof c.sessionToken === "string") &&
      typeof c.expiration === "string" &&
      !Number.isNaN(Date.parse(c.expiration)),
  );
  return ok ? (v as CredentialsEntry) : undefined;
}

async function acquire(store: PrivateStore, name: string, options: LockOptions): Promise<CredentialsLock> {
  await store.ensure();
  const file = join(store.dir, name);
  const token = await randomHex(12);
  const me = { pid: process.pid, host: hostname(), since: options.now().toISOString(), token };
  const started = options.monotonicNow();
  const pollMs = options.pollMs ?? 100;
  let waiting = false;
  for (;;) {
    if (options.signal.aborted) throw new InterruptedError("interrupted while waiting for another sign-in");
    if (await tryCreate(store, file, JSON.stringify(me))) {
      return {
        file,
        async release() {
          const holder = await readHolder(file);
          if (typeof holder === "object" && holder.token === token) await rm(file, { force: true });
        },
      };
    }
    const holder = await readHolder(file);
    if (holder === "missing") continue; // released between our two looks
    if (isStale(holder, options)) {
      await takeOver(file, holder);
      continue;
    }
    const who = holder ? `pid ${holder.pid}${holder.host !== me.host ? ` on ${holder.host}` : ""}` : "another process";
    if (options.monotonicNow() - started >= options.waitMs) {
      throw new FailureError(
        `another awsblog sign-in (${who}) still holds ${file} after ${Math.round(options.waitMs / 1000)} s`,
        `let it finish and run again; if no awsblog is running, remove the lock: rm ${file}`,
      );
    }
    if (!waiting && holder) options.onWait?.(holder);
    waiting = true;
    await options.sleep(pollMs, options.signal);
  }
}

/** The lock file appears with its content in one step: written aside, then hard-linked (fails if it exists). */
async function tryCreate(store: PrivateStore, file: string, content: string): Promise<boolean> {
  const temp = `${file}.${await randomHex(6)}.tmp`;
  return store.step("lock", file, async () => {
    try {
      await writeFile(temp, content, { mode: 0o600, flag: "wx" });
      await link(temp, file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
  });
}

type Holder = LockHolder & { token?: string };

async function readHolder(file: string): Promise<Holder | undefined | "missing"> {
  let text: string;
  try {
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      text = await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Holder;
    return typeof v.pid === "number" && typeof v.host === "string" && typeof v.since === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

function isStale(holder: Holder | undefined, options: LockOptions): boolean {
  // Not ours to judge (written by something else): only awsblog writes lock files here, so
  // an unreadable one is a crash's leftover.
  if (!holder) return true;
  const age = options.now().getTime() - Date.parse(holder.since);
  if (!(age < options.staleMs)) return true;
  return holder.host === hostname() && !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Move the stale lock aside (only one of several waiters wins the rename), check it is the one
 * judged stale, and drop it. If a fresh lock was moved by mistake it is linked back.
 */
async function takeOver(file: string, holder: Holder | undefined): Promise<void> {
  const aside = `${file}.${await randomHex(6)}.stale`;
  try {
    await rename(file, aside);
  } catch {
    return; // another waiter took it over first
  }
  try {
    const moved = JSON.parse(await readFile(aside, "utf8").catch(() => "null")) as Holder | null;
    if (holder && moved && moved.token !== holder.token) await link(aside, file).catch(() => {});
  } catch {
    // unreadable: it was the stale one
  } finally {
    await rm(aside, { force: true });
  }
}

/** node:crypto only when writing: a cached read (the credential_process fast path) never loads it. */
async function randomHex(bytes: number): Promise<string> {
  const { randomBytes } = await import("node:crypto");
  return randomBytes(bytes).toString("hex");
}
