/**
 * The `--min-remaining` span. Free of imports on purpose: the credential_process fast path
 * (src/lib/saml/fast-credential-process.ts) parses argv with it without loading the CLI.
 */

/** botocore and the JS SDK refresh credentials 15 minutes (or less) before they expire. */
export const DEFAULT_MIN_REMAINING_MS = 15 * 60_000;

/** `15m`, `900s`, `1h`, `900` (seconds) → ms; undefined when it is not one of those, 0–12 h. */
export function parseSpan(value: string): number | undefined {
  const m = /^(\d{1,5})([smh]?)$/.exec(value.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (m[2] === "h" ? 3_600_000 : m[2] === "m" ? 60_000 : 1000);
  return ms <= 12 * 3_600_000 ? ms : undefined;
}
