/** How much of a user-supplied value an error message echoes. */
export const ECHO_MAX = 100;

/** A value as errors echo it: at most `max` characters, "…" when cut (a 131 KB flag is not echoed whole). */
export function clip(value: string, max = ECHO_MAX): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max).join("")}…`;
}
