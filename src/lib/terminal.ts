/**
 * Minimal stand-in for the shared helper coming from the `hardening` branch (same name and
 * signature; on merge, keep that branch's file). Text that came from outside — DLQ error
 * messages, request ids, log lines — may carry terminal control sequences; this makes them inert.
 */

// eslint-disable-next-line no-control-regex
const STRING_SEQUENCE = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g; // OSC, DCS, SOS, PM, APC
// eslint-disable-next-line no-control-regex
const CSI = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?/g;
// eslint-disable-next-line no-control-regex
const OTHER_ESCAPE = /\x1b[\x20-\x2f]*[\x30-\x7e]?/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g; // C0 except \t and \n, DEL, C1

/**
 * Strips escape sequences (CSI, OSC and other string sequences, two-byte escapes, their 8-bit
 * forms) and control characters except newline and tab; with `maxChars`, cuts the result to
 * that many characters, the last one "…".
 */
export function sanitizeForTerminal(text: string, maxChars?: number): string {
  const clean = text.replace(STRING_SEQUENCE, "").replace(CSI, "").replace(OTHER_ESCAPE, "").replace(/\r\n?/g, "\n").replace(CONTROL, "");
  if (maxChars === undefined) return clean;
  const chars = Array.from(clean);
  return chars.length <= maxChars ? clean : `${chars.slice(0, Math.max(0, maxChars - 1)).join("")}…`;
}
