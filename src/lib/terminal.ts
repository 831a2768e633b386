/* eslint-disable no-control-regex -- matching control characters is this module's purpose */
/**
 * Text that came from outside (task results, DLQ error messages, file contents, flag values)
 * may carry terminal control sequences: a CSI that moves the cursor or clears the screen, an
 * OSC that sets the window title or plants a hyperlink, a C1 control an 8-bit terminal obeys.
 * Before such text reaches a terminal it is made inert here.
 */

// ESC followed by: CSI (`[` params … final byte), OSC / DCS / SOS / PM / APC (a string ended
// by BEL or ST), or any other two-byte escape. 8-bit forms (0x9b CSI, 0x9d OSC, …) too.
const CSI = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?/g;
const STRING_SEQUENCE = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g;
const OTHER_ESCAPE = /\x1b[\x20-\x7e]?/g;
// C0 (except \t and \n), DEL and C1 controls.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** The SGR codes our own styling emits (bold, dim, red, green, yellow and their resets). */
const OWN_SGR = /\x1b\[(?:1|2|22|31|32|33|39)m/g;
const SGR_PLACEHOLDER = "\u{F0000}"; // a private-use code point: never in real input we keep

export const ELLIPSIS = "…";

/**
 * Strips escape sequences and control characters except newline and tab; with `maxChars`,
 * cuts the result to that many characters ending in "…".
 */
export function sanitizeForTerminal(text: string, maxChars?: number): string {
  const clean = text.replace(STRING_SEQUENCE, "").replace(CSI, "").replace(OTHER_ESCAPE, "").replace(/\r\n?/g, "\n").replace(CONTROL, "");
  return maxChars === undefined ? clean : cap(clean, maxChars);
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
const CONTROL_TEST = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** At most `maxChars` characters (code points), the last one "…" when cut. */
export function cap(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  return `${chars.slice(0, Math.max(0, maxChars - 1)).join("")}${ELLIPSIS}`;
}

/**
 * For values quoted inside one-line messages: any run of non-blank characters longer than
 * `maxRun` is cut, saying how long it was, so a 131 KB flag value cannot flood a terminal.
 */
export function capLongRuns(text: string, maxRun = 120): string {
  return text.replace(new RegExp(`\\S{${maxRun + 1},}`, "gu"), (run) => `${cap(run, maxRun)}(${run.length} chars)`);
}
