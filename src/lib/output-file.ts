import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { FailureError, UsageError } from "./errors.js";
import { kindOf } from "./input.js";

/**
 * Files a command writes (`--out`, `--report`). Checked before any work, so a bad path costs
 * nothing: the folder must exist, and a path that exists must be a regular file. A device, a
 * FIFO or a directory is never written to or renamed over: run as root, renaming a finished
 * zip over `/dev/full` replaced the device node with a regular file.
 */
export async function checkOutputPath(path: string, flag: string, cwd = "."): Promise<void> {
  const folder = dirname(path);
  const parent = await stat(resolve(cwd, folder)).catch((error: NodeJS.ErrnoException) => error);
  if (parent instanceof Error) {
    const why = parent.code === "ENOENT" ? "does not exist" : `cannot be used (${parent.code ?? "error"})`;
    throw new UsageError(`${flag} ${path}: folder ${folder} ${why}`, "create the folder first, or pick another path");
  }
  if (!parent.isDirectory()) throw new UsageError(`${flag} ${path}: ${folder} is not a folder`, "pick another path");
  await refuseSpecialFile(resolve(cwd, path), flag, path);
}

/** The path may be missing or a regular file; anything else is refused (exit 2). */
export async function refuseSpecialFile(path: string, flag: string, shown = path): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile()) {
    throw new UsageError(`${flag} ${shown} is ${kindOf(existing)}, not a regular file`, "pass the path of a new or regular file; awsblog never writes over devices, FIFOs or folders");
  }
}

/** A failed write (full disk, read-only file system, permissions) as one line naming the file. */
export function writeFailure(path: string, error: unknown): FailureError | UsageError {
  if (error instanceof FailureError || error instanceof UsageError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? "error";
  const hint = code === "ENOSPC" ? "free some space, or write somewhere else" : "check that the folder is writable, or write somewhere else";
  return new FailureError(`cannot write ${path} (${code})`, hint, { cause: error });
}

/**
 * `mkdir -p` without Node's `recursive: true`, which spins forever at 100% CPU where a parent
 * exists but no child can be made (a HOME under /proc: ENOENT, EEXIST, ENOENT…). Each missing
 * folder is made once, top down; the first failure is thrown as it is.
 */
export async function createFolders(path: string, mode = 0o777): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(path); ; ) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? undefined : Promise.reject(error)));
    if (info) {
      if (!info.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: "ENOTDIR", path: current });
      break;
    }
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    await mkdir(folder, { mode }).catch((error: NodeJS.ErrnoException) => (error.code === "EEXIST" ? undefined : Promise.reject(error)));
  }
}
