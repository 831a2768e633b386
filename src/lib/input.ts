import { readFile } from "node:fs/promises";
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
  if (value.startsWith("@")) {
    const path = value.slice(1);
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`, "check the path", {
        cause: error,
      });
    }
  }
  return value;
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
