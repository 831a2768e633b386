import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, chmod, lstat, mkdir, open, readdir, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { FailureError, UsageError } from "../errors.js";
import { createFolders } from "../output-file.js";
import { clip } from "./clip.js";
import { tryDecodeClaims } from "./jwt.js";

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

/** `$AWSBLOG_CONFIG_DIR`, else `$XDG_CONFIG_HOME/awsblog`, else `~/.config/awsblog`. */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.AWSBLOG_CONFIG_DIR) return env.AWSBLOG_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "awsblog");
  return join(env.HOME || homedir(), ".config", "awsblog");
}

/** Where configDir came from, for error messages. */
function configSource(env: NodeJS.ProcessEnv): string {
  if (env.AWSBLOG_CONFIG_DIR) return "AWSBLOG_CONFIG_DIR";
  if (env.XDG_CONFIG_HOME) return "$XDG_CONFIG_HOME/awsblog";
  return "~/.config/awsblog";
}

export function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), "cognito");
}

function entryFile(dir: string, clientId: string, username: string): string {
  const key = createHash("sha256").update(`${clientId}\n${username}`).digest("hex").slice(0, 32);
  return join(dir, `${key}.json`);
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

/**
 * Tokens are bearer credentials: the cache is used only while it is private. A symlinked
 * directory or entry, one owned by another user, or one others can write to (they could plant
 * or swap tokens) is refused, not repaired: awsblog cannot tell who put it there.
 */
export function createTokenCache(env: NodeJS.ProcessEnv): TokenCache {
  const root = configDir(env);
  const dir = cacheDir(env);
  return {
    dir,
    async save(entry) {
      await ensureCacheDir();
      const file = entryFile(dir, entry.clientId, entry.username);
      const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
      await cacheWrite("write", file, async () => {
        try {
          // wx: never follows or reuses a planted file; rename replaces a symlink, not its target.
          await writeFile(temp, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600, flag: "wx" });
          await chmod(temp, 0o600);
          await rename(temp, file);
        } catch (error) {
          await rm(temp, { force: true }).catch(() => {});
          throw error;
        }
      });
      return file;
    },
    async list() {
      await checkConfigDir(root, configSource(env));
      if (!(await checkCacheDir(dir))) return { entries: [], unreadable: [] };
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        throw new FailureError(`cannot read the token cache ${dir} (${(error as NodeJS.ErrnoException).code})`, "check its permissions");
      }
      const listing: CacheListing = { entries: [], unreadable: [] };
      for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
        const file = join(dir, name);
        const read = await readEntry(file);
        if ("entry" in read) listing.entries.push(read.entry);
        else listing.unreadable.push({ file, reason: read.reason });
      }
      return listing;
    },
    async remove(entry) {
      if (!(await checkCacheDir(dir))) return;
      const file = entryFile(dir, entry.clientId, entry.username);
      await cacheWrite("remove", file, () => rm(file, { force: true }));
    },
    async removeFile(file) {
      await cacheWrite("remove", file, () => rm(file, { force: true }));
    },
    async check() {
      // Before login calls Cognito: a home that cannot hold the cache fails now, not after the password was used.
      await ensureCacheDir();
      await cacheWrite("write to", dir, () => access(dir, constants.W_OK));
    },
  };

  async function ensureCacheDir(): Promise<void> {
    await checkConfigDir(root, configSource(env));
    await cacheWrite("create", root, () => createFolders(root, 0o700));
    if (!(await checkCacheDir(dir))) {
      await cacheWrite("create", dir, () =>
        mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "EEXIST") throw error;
        }),
      );
      await checkCacheDir(dir);
    }
    await cacheWrite("make private", dir, () => chmod(dir, 0o700));
  }
}

/**
 * A file-system step on the cache as a one-line error naming the path: a read-only or missing
 * home (containers, CI runners) is a setting to fix, not a crash.
 */
async function cacheWrite<T>(verb: string, path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof FailureError || error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new FailureError(`cannot ${verb} the token cache ${clip(path)} (${code})`, "make that folder writable, or set AWSBLOG_CONFIG_DIR to a writable directory", { cause: error });
  }
}

/** The config directory may be missing (login creates it); a file there is a usage error. */
async function checkConfigDir(path: string, source: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    if (error.code === "ENOTDIR") throw notADirectory(path, source);
    throw new FailureError(`cannot use the config directory ${clip(path)} (${error.code})`, "check its permissions, or set AWSBLOG_CONFIG_DIR");
  });
  if (info && !info.isDirectory()) throw notADirectory(path, source);
}

function notADirectory(path: string, source: string): UsageError {
  return new UsageError(
    `${source} (${clip(path)}) is not a directory`,
    source === "AWSBLOG_CONFIG_DIR" ? "point AWSBLOG_CONFIG_DIR at a directory (awsblog creates it if missing), or unset it" : "move that file away, or set AWSBLOG_CONFIG_DIR to a directory",
  );
}

/** False when the cache directory does not exist yet; throws when it is not private. */
async function checkCacheDir(dir: string): Promise<boolean> {
  const info = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new FailureError(`cannot read the token cache ${dir} (${error.code})`, "check its permissions");
  });
  if (!info) return false;
  if (info.isSymbolicLink()) throw unsafe(`the token cache ${dir} is a symbolic link`, `replace it with a real directory: rm ${dir} && awsblog cognito login …`);
  if (!info.isDirectory()) throw unsafe(`the token cache ${dir} is not a directory`, `remove it (rm ${dir}) and log in again`);
  checkPrivate(dir, info, "directory", `chmod 700 ${dir}`);
  return true;
}

function checkPrivate(path: string, info: { uid: number; mode: number }, what: string, fix: string): void {
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw unsafe(`the token cache ${what} ${path} is owned by another user (uid ${info.uid})`, `remove it, or log in as its owner; awsblog uses only a cache you own`);
  }
  if (info.mode & 0o020) throw unsafe(`the token cache ${what} ${path} is writable by group`, `make it private: ${fix} (or remove it and log in again)`);
  if (info.mode & 0o002) throw unsafe(`the token cache ${what} ${path} is writable by others`, `make it private: ${fix} (or remove it and log in again)`);
}

function unsafe(message: string, hint: string): FailureError {
  return new FailureError(message, hint);
}

/**
 * One entry, opened without following symlinks (O_NOFOLLOW) and without blocking on a FIFO
 * (O_NONBLOCK), then checked on the open handle so it cannot be swapped in between.
 */
async function readEntry(file: string): Promise<{ entry: CachedLogin } | { reason: string }> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw unsafe(`the token cache entry ${file} is a symbolic link`, `remove it (rm ${file}); awsblog writes only regular files there`);
    return { reason: `cannot open it: ${code}` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { reason: "not a regular file" };
    checkPrivate(file, info, "file", `chmod 600 ${file}`);
    if (info.size > MAX_ENTRY_BYTES) return { reason: `${info.size} bytes, too large` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(await handle.readFile("utf8"));
    } catch {
      return { reason: "not JSON" };
    }
    return isCachedLogin(parsed) ? { entry: parsed } : { reason: "not an awsblog cached login" };
  } finally {
    await handle.close();
  }
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
    const which = [selector.clientId && `client ${clip(selector.clientId)}`, selector.username && `user ${clip(selector.username)}`].filter(Boolean).join(", ");
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
