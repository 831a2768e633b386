/* eslint-disable no-control-regex -- matching control characters is this module's purpose */
/**
 * Text that came from outside (task results, DLQ error messages, file contents, flag values)
 * may carry terminal control sequences: a CSI that moves the cursor or clears the screen, an
 * OSC that sets the window title or plants a hyperlink, a C1 control an 8-bit terminal obeys.
 * Before such text reaches a terminal it is made inert here — the one place that does it:
 *
 * - `sanitizeForTerminal(text, { max, oneLine, keepEnd })` strips it (text, results, lines);
 * - `clipValue(value, max)` shows it escaped (`\x1b`), for a value quoted inside a message.
 */

// ESC followed by: CSI (`[` params … final byte), OSC / DCS / SOS / PM / APC (a string ended
// by BEL or ST), or any other two-byte escape. 8-bit forms (0x9b CSI, 0x9d OSC, …) too.
const CSI = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?/g;
const STRING_SEQUENCE = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g;
const OTHER_ESCAPE = /\x1b[\x20-\x7e]?/g;
// C0 (except \t and \n), DEL and C1 controls; and the invisible characters that reorder or hide
// text (bidi overrides and isolates, zero-width characters, line/paragraph separators, BOM).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const CONTROL_TEST = new RegExp(CONTROL.source);
// What clipValue shows escaped: the same, tab and newline included (a message is one line).
const ESCAPED = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** The SGR codes our own styling emits (bold, dim, red, green, yellow and their resets). */
const OWN_SGR = /\x1b\[(?:1|2|22|31|32|33|39)m/g;
const SGR_PLACEHOLDER = "\u{F0000}"; // a private-use code point: never in real input we keep

export const ELLIPSIS = "…";

export interface SanitizeOptions {
  /** At most this many characters (code points), "…" marking the cut. */
  max?: number;
  /** Line breaks and tabs (with the blanks around them) become one space; trimmed. */
  oneLine?: boolean;
  /** With `max`: keep the end rather than the start (the tail of a log says what failed). */
  keepEnd?: boolean;
}

/** A value echoed inside a line of text (a name from AWS, a status): one line, at most 200 characters. */
export const ONE_LINE: SanitizeOptions = { max: 200, oneLine: true };

/**
 * Strips escape sequences, control characters except newline and tab, and invisible bidi /
 * zero-width characters; `\r\n` and a lone `\r` become `\n`. A number is `{ max }`; a missing
 * value is "".
 */
export function sanitizeForTerminal(text: string | undefined, options: number | SanitizeOptions = {}): string {
  const { max, oneLine, keepEnd } = typeof options === "number" ? { max: options } : options;
  let clean = (text ?? "").replace(STRING_SEQUENCE, "").replace(CSI, "").replace(OTHER_ESCAPE, "").replace(/\r\n?/g, "\n").replace(CONTROL, "");
  if (oneLine) clean = clean.replace(/\s*[\n\t]\s*/g, " ").trim();
  if (max === undefined) return clean;
  return keepEnd ? capEnd(clean, max) : cap(clean, max);
}

/**
 * A value quoted inside a one-line message (a flag value, a field from a document): control,
 * bidi and zero-width characters shown escaped (`\x1b`, `\u202e`) so the reader sees what was
 * there and the terminal obeys none of it; at most `max` characters, "…" marking the cut.
 */
export function clipValue(value: string, max = 100): string {
  const shown = value.replace(ESCAPED, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
  return cap(shown, max);
}

/**
 * The output layer's variant: like `sanitizeForTerminal`, but keeps the handful of colour codes
 * awsblog's own styling writes, so a coloured rendering survives while a hostile value's
 * cursor moves, screen clears, titles and hyperlinks do not.
 */
export function sanitizeKeepingStyle(text: string): string {
  if (!text.includes("\x1b") && !CONTROL_TEST.test(text)) return text;
  const codes: string[] = [];
  const marked = text.replace(new RegExp(SGR_PLACEHOLDER, "gu"), "").replace(OWN_SGR, (code) => {
    codes.push(code);
    return SGR_PLACEHOLDER;
  });
  let index = 0;
  return sanitizeForTerminal(marked).replace(new RegExp(SGR_PLACEHOLDER, "gu"), () => codes[index++] ?? "");
}

/** At most `maxChars` characters (code points), the last one "…" when cut. */
export function cap(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  return `${chars.slice(0, Math.max(0, maxChars - 1)).join("")}${ELLIPSIS}`;
}

/** At most `maxChars` characters (code points) from the end, the first one "…" when cut. */
export function capEnd(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  return `${ELLIPSIS}${chars.slice(chars.length - Math.max(0, maxChars - 1)).join("")}`;
}

/**
 * For values quoted inside one-line messages: any run of non-blank characters longer than
 * `maxRun` is cut, saying how long it was, so a 131 KB flag value cannot flood a terminal.
 */
export function capLongRuns(text: string, maxRun = 120): string {
  return text.replace(new RegExp(`\\S{${maxRun + 1},}`, "gu"), (run) => `${cap(run, maxRun)}(${run.length} chars)`);
}
