/** How much of a user-supplied value an error message echoes. */
export const ECHO_MAX = 100;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * A value as errors echo it: at most `max` characters, "…" when cut (a 131 KB flag is not echoed
 * whole), with control characters shown escaped (`\x1b`) so an echoed value cannot move the
 * cursor, recolour the terminal or break the one-line error.
 */
export function clip(value: string, max = ECHO_MAX): string {
  const chars = [...value];
  const kept = chars.length <= max ? value : `${chars.slice(0, max).join("")}…`;
  return kept.replace(CONTROL, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
