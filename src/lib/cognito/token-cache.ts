import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { FailureError } from "../errors.js";
import { configDir, createPrivateStore, type PrivateStore } from "../private-store.js";
import { tryDecodeClaims } from "./jwt.js";
import { clipValue } from "../terminal.js";

/**
 * Cached logins: one JSON file per (client id, username) in `<config dir>/cognito/`, mode 0600
 * in a 0700 directory (both refused when not private), written atomically (temp file + rename) so a crash never leaves half a
 * token. The client secret itself is never stored: for clients with a secret we keep only the
 * SECRET_HASH that refreshing needs (it is bound to one user and client).
 */
export interface CachedLogin {
  version: 1;
  clientId: string;
  /** What the user typed at login; the cache key. */
  username: string;
  /** Cognito's own name for the user (`cognito:username` claim): a sub in email-as-username pools. */
  cognitoUsername?: string;
  userPoolId?: string;
  region?: string;
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** When the ID and access tokens expire (ISO 8601). */
  expiresAt: string;
  loggedInAt: string;
  refreshedAt?: string;
  refreshSecretHash?: string;
}

export { configDir };

export function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), "cognito");
}

function entryName(clientId: string, username: string): string {
  return `${createHash("sha256").update(`${clientId}\n${username}`).digest("hex").slice(0, 32)}.json`;
}

/** The cache's readable entries, and the files that are not (each with why). */
export interface CacheListing {
  entries: CachedLogin[];
  unreadable: { file: string; reason: string }[];
}

export interface TokenCache {
  readonly dir: string;
  save(entry: CachedLogin): Promise<string>;
  list(): Promise<CacheListing>;
  remove(entry: Pick<CachedLogin, "clientId" | "username">): Promise<void>;
  /** Removes a file list() reported unreadable. */
  removeFile(file: string): Promise<void>;
  /** Throws when the cache could not be used (login checks before it calls Cognito). */
  check(): Promise<void>;
}

/** Tokens are bearer credentials: the folder's rules are lib/private-store.ts's. */
export function createTokenCache(env: NodeJS.ProcessEnv): TokenCache {
  const store = createPrivateStore({ env, folder: "cognito", label: "token cache", refill: "awsblog cognito login …" });
  return {
    dir: store.dir,
    async save(entry) {
      return store.write(entryName(entry.clientId, entry.username), `${JSON.stringify(entry, null, 2)}\n`);
    },
    async list() {
      if (!(await store.exists())) return { entries: [], unreadable: [] };
      const listing: CacheListing = { entries: [], unreadable: [] };
      for (const name of (await store.names()).filter((n) => n.endsWith(".json")).sort()) {
        const file = join(store.dir, name);
        const read = await readEntry(store, name);
        if ("entry" in read) listing.entries.push(read.entry);
        else listing.unreadable.push({ file, reason: read.reason });
      }
      return listing;
    },
    async remove(entry) {
      await store.remove(entryName(entry.clientId, entry.username));
    },
    async removeFile(file) {
      await store.step("remove", file, () => rm(file, { force: true }));
    },
    check: () => store.checkWritable(),
  };
}

async function readEntry(store: PrivateStore, name: string): Promise<{ entry: CachedLogin } | { reason: string }> {
  const read = await store.read(name, MAX_ENTRY_BYTES);
  if (!("text" in read)) return read;
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch {
    return { reason: "not JSON" };
  }
  return isCachedLogin(parsed) ? { entry: parsed } : { reason: "not an awsblog cached login" };
}

/** Tokens are a few KB; anything much larger was not written by awsblog. */
const MAX_ENTRY_BYTES = 1024 * 1024;

function isCachedLogin(value: unknown): value is CachedLogin {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const text = (key: string) => typeof v[key] === "string" && v[key] !== "";
  const optionalText = (key: string) => v[key] === undefined || typeof v[key] === "string";
  return (
    v.version === 1 &&
    ["clientId", "username", "idToken", "accessToken", "expiresAt", "loggedInAt"].every(text) &&
    ["cognitoUsername", "userPoolId", "region", "refreshToken", "refreshedAt", "refreshSecretHash"].every(optionalText) &&
    !Number.isNaN(Date.parse(v.expiresAt as string)) &&
    tryDecodeClaims(v.idToken as string) !== undefined
  );
}

export interface Selector {
  clientId?: string;
  username?: string;
}

/**
 * The entry a command works on. With several candidates and no flags to tell them apart the
 * most recent login wins (like a CLI's "current account"); callers say which one they used.
 */
export function selectLogin(entries: CachedLogin[], selector: Selector): { entry: CachedLogin; candidates: number } {
  const matches = entries.filter(
    (e) =>
      (!selector.clientId || e.clientId === selector.clientId) &&
      (!selector.username || e.username === selector.username || e.cognitoUsername === selector.username),
  );
  const sorted = matches.sort((a, b) => b.loggedInAt.localeCompare(a.loggedInAt));
  const entry = sorted[0];
  if (!entry) {
    const which = [selector.clientId && `client ${clipValue(selector.clientId)}`, selector.username && `user ${clipValue(selector.username)}`].filter(Boolean).join(", ");
    throw new FailureError(
      `no cached Cognito login${which ? ` for ${which}` : ""}`,
      "log in first: awsblog cognito login --client-id <id> --username <u> --user-pool-id <pool>",
    );
  }
  return { entry, candidates: sorted.length };
}

/**
 * selectLogin over a whole listing: unreadable entries are mentioned when another login is
 * used, and are the error when nothing else matches (the user's login may be the broken one).
 */
export function pickLogin(listing: CacheListing, selector: Selector, warn: (message: string) => void): { entry: CachedLogin; candidates: number } {
  const broken = listing.unreadable[0];
  try {
    const picked = selectLogin(listing.entries, selector);
    for (const { file, reason } of listing.unreadable) warn(`ignoring ${file}: ${reason}`);
    return picked;
  } catch (error) {
    if (!broken) throw error;
    throw new FailureError(
      `cache entry ${broken.file} unreadable (${broken.reason})${listing.unreadable.length > 1 ? ` and ${listing.unreadable.length - 1} more` : ""}`,
      "log in again (awsblog cognito login …), or clear the cache: awsblog cognito logout --all",
    );
  }
}
