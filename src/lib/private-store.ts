import { constants } from "node:fs";
import { access, chmod, lstat, mkdir, open, readdir, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { FailureError, UsageError } from "./errors.js";
import { createFolders } from "./output-file.js";
import { clipValue } from "./terminal.js";

/**
 * A private folder of small files under the config dir — the Cognito token cache, the
 * credentials cache and the IdP sessions are each one. Bearer secrets live there, so the folder
 * is used only while it is private: a symlinked folder or file, one owned by another user, or
 * one others can write to (they could plant or swap secrets) is refused, not repaired — awsblog
 * cannot tell who put it there. Files are 0600 in a 0700 folder, written atomically (temp file
 * + rename) so a crash never leaves half a secret.
 */
export interface PrivateStoreOptions {
  /** The run's env map (AWSBLOG_CONFIG_DIR, XDG_CONFIG_HOME, HOME). */
  env: NodeJS.ProcessEnv;
  /** The folder's name under the config dir. */
  folder: string;
  /** What errors call it: "token cache", "credentials cache". */
  label: string;
  /** The command that fills it again, for hints: "awsblog cognito login …". */
  refill: string;
}

export interface PrivateStore {
  readonly dir: string;
  /** False when the folder does not exist yet; throws when it is not private. */
  exists(): Promise<boolean>;
  /** Creates the config dir and the folder (0700) when missing; throws when not private. */
  ensure(): Promise<void>;
  /** Throws when the folder could not be written (checked before a password is used). */
  checkWritable(): Promise<void>;
  /** Writes `name` atomically, mode 0600. Returns its path. */
  write(name: string, text: string): Promise<string>;
  /** The file's text; `reason` when it is missing, not a regular file, too large or unreadable. */
  read(name: string, maxBytes: number): Promise<{ text: string } | { reason: string; missing?: boolean }>;
  remove(name: string): Promise<void>;
  /** File names in the folder (none when it does not exist). */
  names(): Promise<string[]>;
  /** A file-system step as a one-line error naming the path. */
  step<T>(verb: string, path: string, run: () => Promise<T>): Promise<T>;
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

export function createPrivateStore(options: PrivateStoreOptions): PrivateStore {
  const root = configDir(options.env);
  const dir = join(root, options.folder);
  const label = options.label;

  const step = async <T>(verb: string, path: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof FailureError || error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      // A read-only or missing home (containers, CI runners) is a setting to fix, not a crash.
      throw new FailureError(`cannot ${verb} the ${label} ${clipValue(path)} (${code})`, "make that folder writable, or set AWSBLOG_CONFIG_DIR to a writable directory", { cause: error });
    }
  };

  const checkPrivate = (path: string, info: { uid: number; mode: number }, what: string, fix: string): void => {
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) {
      throw new FailureError(`the ${label} ${what} ${path} is owned by another user (uid ${info.uid})`, `remove it, or log in as its owner; awsblog uses only a cache you own`);
    }
    if (info.mode & 0o020) throw new FailureError(`the ${label} ${what} ${path} is writable by group`, `make it private: ${fix} (or remove it and log in again)`);
    if (info.mode & 0o002) throw new FailureError(`the ${label} ${what} ${path} is writable by others`, `make it private: ${fix} (or remove it and log in again)`);
  };

  const exists = async (): Promise<boolean> => {
    const info = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw new FailureError(`cannot read the ${label} ${dir} (${error.code})`, "check its permissions");
    });
    if (!info) return false;
    if (info.isSymbolicLink()) throw new FailureError(`the ${label} ${dir} is a symbolic link`, `replace it with a real directory: rm ${dir} && ${options.refill}`);
    if (!info.isDirectory()) throw new FailureError(`the ${label} ${dir} is not a directory`, `remove it (rm ${dir}) and log in again`);
    checkPrivate(dir, info, "directory", `chmod 700 ${dir}`);
    return true;
  };

  const ensure = async (): Promise<void> => {
    await checkConfigDir(root, configSource(options.env));
    await step("create", root, () => createFolders(root, 0o700));
    if (!(await exists())) {
      await step("create", dir, () =>
        mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "EEXIST") throw error;
        }),
      );
      await exists();
    }
    await step("make private", dir, () => chmod(dir, 0o700));
  };

  return {
    dir,
    exists: async () => {
      await checkConfigDir(root, configSource(options.env));
      return exists();
    },
    ensure,
    async checkWritable() {
      await ensure();
      await step("write to", dir, () => access(dir, constants.W_OK));
    },
    async write(name, text) {
      await ensure();
      const file = join(dir, name);
      // node:crypto only when writing: a cached read (the credential_process fast path) never loads it.
      const { randomBytes } = await import("node:crypto");
      const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
      await step("write", file, async () => {
        try {
          // wx: never follows or reuses a planted file; rename replaces a symlink, not its target.
          await writeFile(temp, text, { mode: 0o600, flag: "wx" });
          await chmod(temp, 0o600);
          await rename(temp, file);
        } catch (error) {
          await rm(temp, { force: true }).catch(() => {});
          throw error;
        }
      });
      return file;
    },
    async read(name, maxBytes) {
      const file = join(dir, name);
      // Opened without following symlinks (O_NOFOLLOW) and without blocking on a FIFO
      // (O_NONBLOCK), then checked on the open handle so it cannot be swapped in between.
      let handle: FileHandle;
      try {
        handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ELOOP") throw new FailureError(`the ${label} entry ${file} is a symbolic link`, `remove it (rm ${file}); awsblog writes only regular files there`);
        return { reason: `cannot open it: ${code}`, missing: code === "ENOENT" };
      }
      try {
        const info = await handle.stat();
        if (!info.isFile()) return { reason: "not a regular file" };
        checkPrivate(file, info, "file", `chmod 600 ${file}`);
        if (info.size > maxBytes) return { reason: `${info.size} bytes, too large` };
        return { text: await handle.readFile("utf8") };
      } finally {
        await handle.close();
      }
    },
    async remove(name) {
      if (!(await exists())) return;
      const file = join(dir, name);
      await step("remove", file, () => rm(file, { force: true }));
    },
    async names() {
      if (!(await exists())) return [];
      try {
        return await readdir(dir);
      } catch (error) {
        throw new FailureError(`cannot read the ${label} ${dir} (${(error as NodeJS.ErrnoException).code})`, "check its permissions");
      }
    },
    step,
  };
}

/** The config directory may be missing (the first login creates it); a file there is a usage error. */
async function checkConfigDir(path: string, source: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    if (error.code === "ENOTDIR") throw notADirectory(path, source);
    throw new FailureError(`cannot use the config directory ${clipValue(path)} (${error.code})`, "check its permissions, or set AWSBLOG_CONFIG_DIR");
  });
  if (info && !info.isDirectory()) throw notADirectory(path, source);
}

function notADirectory(path: string, source: string): UsageError {
  return new UsageError(
    `${source} (${clipValue(path)}) is not a directory`,
    source === "AWSBLOG_CONFIG_DIR" ? "point AWSBLOG_CONFIG_DIR at a directory (awsblog creates it if missing), or unset it" : "move that file away, or set AWSBLOG_CONFIG_DIR to a directory",
  );
}
