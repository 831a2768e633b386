import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { InterruptedError, UsageError } from "./errors.js";

/**
 * Every input we read — stdin, a file, an HTTP body — has a size limit, checked while reading:
 * an endless stream (`yes | awsblog …`, /dev/zero, an IdP that never stops talking) stops at
 * the limit instead of growing in memory until the process dies. The limits are the largest
 * input that can be valid (Step Functions' 256 KiB input, a 2,048-character token) or, where
 * AWS sets none, far above anything real.
 */
export const DEFAULT_INPUT_BYTES = 10 * 1024 * 1024;

/** What to say when an input passes its limit: the caller decides the error class (exit 2 for our own input, 1 for a server's). */
export type TooLarge = (limit: string) => Error;

/**
 * The one bounded reader: collects `source` (a Node stream, a web ReadableStream, any async
 * iterable of bytes or strings) until it ends, or throws `tooLarge` as soon as more than
 * `maxBytes` arrived. Leaving the loop early closes the source (the stream is destroyed, a
 * fetch body cancelled), so at most one chunk past the limit is ever held.
 */
export async function readBounded(source: AsyncIterable<unknown> | ReadableStream<Uint8Array>, maxBytes: number, tooLarge: TooLarge): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of "getReader" in source ? webChunks(source) : source) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    if (size > maxBytes) throw tooLarge(formatBytes(maxBytes));
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}

/** A fetch body, piece by piece; leaving early cancels it (the connection is dropped, not drained). */
async function* webChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** 262144 → "256 KiB", 10485760 → "10 MiB", 2000 → "2,000 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes.toLocaleString("en-US")} bytes`;
}

/** Reads stdin as UTF-8 for `flag` (`--token -`, `--password-stdin`, `--file -`), at most `maxBytes`. */
export async function readStdin(stdin: NodeJS.ReadableStream, flag: string, maxBytes = DEFAULT_INPUT_BYTES): Promise<string> {
  const bytes = await readBounded(stdin, maxBytes, (limit) => new UsageError(`${flag}: stdin holds more than ${limit}, the limit for this input`, `pipe only the ${inputName(flag)}`));
  return bytes.toString("utf8");
}

function inputName(flag: string): string {
  return /password/.test(flag) ? "password (one line per secret)" : /token/.test(flag) ? "token" : "input, or pass a smaller one";
}

/**
 * A flag value that may be inline text, `@path` (a file), or `-` (stdin). The flag name is
 * used in the error so the user knows which input was wrong.
 */
export async function readTextArg(value: string, flag: string, stdin?: NodeJS.ReadableStream, maxBytes = DEFAULT_INPUT_BYTES): Promise<string> {
  if (value === "-" && stdin) return readStdin(stdin, flag, maxBytes);
  if (value.startsWith("@")) return readTextFile(value.slice(1), flag, maxBytes);
  return value;
}

/**
 * Reads a regular file as UTF-8 text for `flag`. A FIFO, socket, device or directory is
 * refused before it is read (reading a FIFO blocks until some writer shows up, a device may
 * never end), and so is text that is not valid UTF-8 (it would be misread silently).
 */
export async function readTextFile(path: string, flag: string, maxBytes = DEFAULT_INPUT_BYTES): Promise<string> {
  const bytes = await readRegularFile(path, flag, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new UsageError(`${flag}: ${path} is not UTF-8 text`, "save the file as UTF-8", { cause: error });
  }
}

/**
 * The bytes of a regular file, at most `maxBytes`. Opened with O_NONBLOCK so that opening a
 * FIFO cannot block, then checked with fstat on the same descriptor (no window for a swap
 * between check and read); read in pieces so a file that grows while we read still stops at
 * the limit.
 */
export async function readRegularFile(path: string, flag: string, maxBytes = DEFAULT_INPUT_BYTES): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new UsageError(`${flag}: cannot read ${path} (${code})`, "check the path and its permissions", { cause: error });
  }
  const tooLarge: TooLarge = (limit) => new UsageError(`${flag}: ${path} is larger than ${limit}, the limit for this input`, "pass a smaller file");
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new UsageError(`${flag}: ${path} is ${kindOf(info)}, not a regular file`, "pass a regular file (or - for stdin where the flag takes it)");
    }
    if (info.size > maxBytes) throw tooLarge(formatBytes(maxBytes));
    return await readBounded(fileChunks(handle), maxBytes, tooLarge);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`, "check the path and its permissions", {
      cause: error,
    });
  } finally {
    await handle.close();
  }
}

async function* fileChunks(handle: FileHandle, chunkBytes = 64 * 1024): AsyncGenerator<Buffer> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

export function kindOf(info: import("node:fs").Stats): string {
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

/**
 * One line from stdin, without waiting for the end of it: for a value the user (or a script
 * talking to us through a pipe) can only give after seeing our earlier output, such as the
 * first code of an authenticator app. At most `maxBytes`; Ctrl-C (`signal`) stops the wait.
 */
export function readStdinLine(stdin: NodeJS.ReadableStream, flag: string, maxBytes: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const finish = (error: Error | undefined, line?: string) => {
      stdin.removeListener("data", onData);
      stdin.removeListener("end", onEnd);
      stdin.removeListener("error", onError);
      signal.removeEventListener("abort", onAbort);
      stdin.pause();
      if (error) reject(error);
      else resolve(line ?? "");
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const end = text.indexOf("\n");
      if (end >= 0) {
        const rest = text.slice(end + 1);
        finish(undefined, text.slice(0, end).replace(/\r$/, ""));
        // What came after the line stays for the next reader (once ours is detached and paused).
        if (rest && "unshift" in stdin) (stdin as NodeJS.ReadableStream & { unshift(chunk: string): void }).unshift(rest);
        return;
      }
      if (Buffer.byteLength(text) > maxBytes) finish(new UsageError(`${flag}: the line on stdin is longer than ${formatBytes(maxBytes)}`, "send the value alone on one line"));
    };
    const onEnd = () => finish(undefined, text.replace(/\r$/, ""));
    const onError = (error: Error) => finish(new UsageError(`${flag}: cannot read stdin (${error.message})`, "send the value on one line"));
    const onAbort = () => finish(new InterruptedError("interrupted while waiting for stdin", "nothing more was sent; run the command again"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    stdin.on("data", onData);
    stdin.on("end", onEnd);
    stdin.on("error", onError);
    stdin.resume();
  });
}
