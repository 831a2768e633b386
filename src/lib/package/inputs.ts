import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import type { Stats } from "node:fs";
import { UsageError } from "../errors.js";
import { kindOf } from "../input.js";

/**
 * Walks the user's inputs into a flat list of files with their paths inside the zip. Links
 * are followed only while they stay inside the inputs: a link to /etc/passwd or to a home
 * directory would otherwise ship someone's secrets to Lambda.
 */
export interface SourceFile {
  archivePath: string;
  /** Real path of the file (links resolved). */
  realPath: string;
  size: number;
  /** Permission bits as found on disk. */
  diskMode: number;
}

export interface InputRoot {
  /** Real path of a file or directory the user named. */
  realPath: string;
  /** Where it goes in the zip (a file name or a directory prefix). */
  archivePath: string;
}

export interface WalkResult {
  files: SourceFile[];
  /** Directories with nothing inside, kept so programs that expect them find them. */
  emptyDirs: string[];
}

/** `--include` paths are relative to the working directory and keep that path in the zip. */
export async function resolveInclude(path: string, cwd: string): Promise<InputRoot> {
  const cleaned = normalize(path).replace(/[\\/]+$/, "");
  if (isAbsolute(path)) throw new UsageError(`--include ${path}: absolute paths are refused`, "pass a path relative to the current directory; it keeps that path inside the zip");
  if (cleaned === "." || cleaned === "") throw new UsageError(`--include ${path}: the whole working directory cannot be included`, "name the files or folders to ship");
  if (cleaned.split(sep).includes("..")) throw new UsageError(`--include ${path}: paths with '..' are refused`, "run awsblog from the folder that holds what you ship");
  const cwdReal = await realpath(cwd);
  const real = await realpathOrUsage(join(cwd, cleaned), "--include");
  if (!isInside(real, cwdReal)) throw new UsageError(`--include ${path}: it links outside the working directory (${real})`, "copy the files in instead of linking them");
  return { realPath: real, archivePath: cleaned.split(sep).join("/") };
}

export async function realpathOrUsage(path: string, flag: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: ${code === "ENOENT" ? "not found" : `cannot read (${code})`}`, "check the path", { cause: error });
  }
}

export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** Collects every file under the roots; `allowed` are the real paths links may point into. */
export async function walkInputs(roots: InputRoot[], allowed: string[]): Promise<WalkResult> {
  const result: WalkResult = { files: [], emptyDirs: [] };
  for (const root of roots) {
    const info = await stat(root.realPath);
    if (info.isDirectory()) await walkDir(root.realPath, root.archivePath, [root.realPath], allowed, result);
    else if (info.isFile()) result.files.push({ archivePath: root.archivePath, realPath: root.realPath, size: info.size, diskMode: info.mode });
    else throw specialFile(root.archivePath, info);
  }
  return result;
}

async function walkDir(dir: string, prefix: string, stack: string[], allowed: string[], result: WalkResult): Promise<void> {
  const names = (await readdir(dir)).sort();
  if (names.length === 0) result.emptyDirs.push(prefix);
  for (const name of names) {
    const path = join(dir, name);
    const archivePath = `${prefix}/${name}`;
    const link = await lstat(path);
    let real = path;
    if (link.isSymbolicLink()) {
      real = await followLink(path, archivePath, allowed);
      if (stack.includes(real)) throw new UsageError(`${archivePath}: link loop (points back to ${real})`, "remove the looping link");
    }
    const info = link.isSymbolicLink() ? await stat(real) : link;
    if (info.isDirectory()) await walkDir(real, archivePath, [...stack, real], allowed, result);
    else if (info.isFile()) result.files.push({ archivePath, realPath: real, size: info.size, diskMode: info.mode });
    else throw specialFile(archivePath, info);
  }
}

/**
 * A FIFO, socket or device among the inputs: a zip cannot hold one, and leaving it out
 * silently would ship a program missing something it expects (contract §10: exit 2).
 */
function specialFile(archivePath: string, info: Stats): UsageError {
  return new UsageError(`${archivePath} is ${kindOf(info)}, not a regular file or folder`, "remove it from the inputs: a Lambda zip holds only files and folders");
}

async function followLink(path: string, archivePath: string, allowed: string[]): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    throw new UsageError(`${archivePath}: broken link`, "remove it or point it at a file inside the inputs", { cause: error });
  }
  if (!allowed.some((root) => isInside(real, root))) {
    throw new UsageError(`${archivePath}: link points outside the inputs (${real})`, "copy the target into the tree, or --include it");
  }
  return real;
}
