import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { UsageError } from "./errors.js";

/** Reads all of stdin as UTF-8 (for `--token -`, `--password-stdin`, `--file -`). */
export async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A flag value that may be inline text, `@path` (a file), or `-` (stdin). The flag name is
 * used in the error so the user knows which input was wrong.
 */
export async function readTextArg(value: string, flag: string, stdin?: NodeJS.ReadableStream): Promise<string> {
  if (value === "-" && stdin) return readStdin(stdin);
  if (value.startsWith("@")) return readTextFile(value.slice(1), flag);
  return value;
}

/**
 * Reads a regular file as UTF-8 text for `flag`. A FIFO, socket, device or directory is
 * refused before it is read (reading a FIFO blocks until some writer shows up, a device may
 * never end), and so is text that is not valid UTF-8 (it would be misread silently).
 */
export async function readTextFile(path: string, flag: string): Promise<string> {
  const bytes = await readRegularFile(path, flag);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new UsageError(`${flag}: ${path} is not UTF-8 text`, "save the file as UTF-8", { cause: error });
  }
}

/**
 * The bytes of a regular file. Opened with O_NONBLOCK so that opening a FIFO cannot block,
 * then checked with fstat on the same descriptor (no window for a swap between check and read).
 */
export async function readRegularFile(path: string, flag: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new UsageError(`${flag}: cannot read ${path} (${code})`, "check the path and its permissions", { cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new UsageError(`${flag}: ${path} is ${kindOf(info)}, not a regular file`, "pass a regular file (or - for stdin where the flag takes it)");
    }
    return await handle.readFile();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`, "check the path and its permissions", {
      cause: error,
    });
  } finally {
    await handle.close();
  }
}

function kindOf(info: import("node:fs").Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "a special file";
}

/** Parses JSON text, failing with a usage error that names the flag and the parse problem. */
export function parseJsonArg(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} is not valid JSON: ${(error as Error).message}`, "pass a JSON document, or @file to read one", {
      cause: error,
    });
  }
}

/** Parses a positive integer flag value for commander. */
export function positiveInt(flag: string, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`, `e.g. ${flag} ${min}`);
    }
    return n;
  };
}

/** Collects a repeatable flag into an array (commander's argParser for `--x a --x b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
