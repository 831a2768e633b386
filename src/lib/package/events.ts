import { UsageError } from "../errors.js";
import { readTextArg } from "../input.js";

/**
 * The events `--run-local` serves: each `--event` is inline JSON, `@file` or `-` (stdin). A
 * file (or stdin) holding one JSON document is one event; otherwise it is read as JSON Lines,
 * one event per non-blank line. No `--event` is one `{}`.
 */
/** Lambda takes at most 6 MB of event in a synchronous invocation. */
const LAMBDA_EVENT_BYTES = 6 * 1024 * 1024;
/** A JSON Lines file or stdin may hold many events. */
const EVENTS_FILE_BYTES = 256 * 1024 * 1024;

export async function readEvents(values: string[] | undefined, stdin?: NodeJS.ReadableStream): Promise<unknown[]> {
  if (!values || values.length === 0) return [{}];
  const events: unknown[] = [];
  for (const value of values) {
    const text = await readTextArg(value, "--event", stdin, EVENTS_FILE_BYTES);
    if (value !== "-" && !value.startsWith("@")) {
      events.push(parseEvent(text, "--event"));
      continue;
    }
    const source = value === "-" ? "--event - (stdin)" : `--event ${value}`;
    const whole = tryParse(text);
    if (whole.ok) {
      if (Buffer.byteLength(text) > LAMBDA_EVENT_BYTES) throw new UsageError(`${source} is larger than 6 MB`, "Lambda takes at most 6 MB of event in a synchronous invocation");
      events.push(whole.value);
      continue;
    }
    const lines = text.split("\n");
    let count = 0;
    lines.forEach((line, index) => {
      if (line.trim() === "") return;
      events.push(parseEvent(line, `${source} line ${index + 1}`));
      count++;
    });
    if (count === 0) throw new UsageError(`${source} holds no event`, "put one JSON document in it, or one per line (JSON Lines)");
  }
  return events;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function parseEvent(text: string, where: string): unknown {
  if (Buffer.byteLength(text) > LAMBDA_EVENT_BYTES) throw new UsageError(`${where} is larger than 6 MB`, "Lambda takes at most 6 MB of event in a synchronous invocation");
  const parsed = tryParse(text);
  if (parsed.ok) return parsed.value;
  throw new UsageError(`${where} is not valid JSON`, "pass a JSON document, @file with one document or one per line (JSON Lines), or - for stdin");
}
