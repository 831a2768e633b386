import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { FailureError } from "../errors.js";

/**
 * Cached logins: one JSON file per (client id, username) in `<config dir>/cognito/`, mode 0600
 * in a 0700 directory, written atomically (temp file + rename) so a crash never leaves half a
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

export function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), "cognito");
}

function entryFile(dir: string, clientId: string, username: string): string {
  const key = createHash("sha256").update(`${clientId}\n${username}`).digest("hex").slice(0, 32);
  return join(dir, `${key}.json`);
}

export interface TokenCache {
  readonly dir: string;
  save(entry: CachedLogin): Promise<string>;
  list(): Promise<CachedLogin[]>;
  remove(entry: Pick<CachedLogin, "clientId" | "username">): Promise<void>;
}

export function createTokenCache(env: NodeJS.ProcessEnv, warn: (message: string) => void = () => {}): TokenCache {
  const dir = cacheDir(env);
  return {
    dir,
    async save(entry) {
      await ensurePrivateDir(configDir(env), false);
      await ensurePrivateDir(dir, true);
      const file = entryFile(dir, entry.clientId, entry.username);
      const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
      await writeFile(temp, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      await chmod(temp, 0o600);
      await rename(temp, file);
      return file;
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw new FailureError(`cannot read the token cache ${dir} (${(error as NodeJS.ErrnoException).code})`, "check its permissions");
      }
      const entries: CachedLogin[] = [];
      for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
        try {
          const parsed = JSON.parse(await readFile(join(dir, name), "utf8")) as CachedLogin;
          if (parsed?.version === 1 && parsed.clientId && parsed.username && parsed.idToken) entries.push(parsed);
          else warn(`ignoring ${join(dir, name)}: not an awsblog cached login`);
        } catch {
          warn(`ignoring ${join(dir, name)}: unreadable or not JSON`);
        }
      }
      return entries;
    },
    async remove(entry) {
      await rm(entryFile(dir, entry.clientId, entry.username), { force: true });
    },
  };
}

/** Creates the directory 0700; tightens it when awsblog owns it (`always`) or just made it. */
async function ensurePrivateDir(path: string, always: boolean): Promise<void> {
  const existed = await stat(path).then(
    () => true,
    () => false,
  );
  await mkdir(path, { recursive: true, mode: 0o700 });
  if (always || !existed) await chmod(path, 0o700);
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
    const which = [selector.clientId && `client ${selector.clientId}`, selector.username && `user ${selector.username}`].filter(Boolean).join(", ");
    throw new FailureError(
      `no cached Cognito login${which ? ` for ${which}` : ""}`,
      "log in first: awsblog cognito login --client-id <id> --username <u> --user-pool-id <pool>",
    );
  }
  return { entry, candidates: sorted.length };
}
