/**
 * Secrets must never reach logs: task tokens, passwords, Cognito tokens, SRP proofs, session
 * strings. Keys are matched by name, so new request shapes are covered without listing them.
 */
const SECRET_KEY =
  /(token|password|secret|session|signature|srp_a|srp_b|secret_block|credentials?|authorization|^code$|confirmationcode|mfa_?code|answer|saml|^logins$)/i;

export const REDACTED = "***";

export function redact(value: unknown, depth = 0): unknown {
  // Approve/reject links carry the token in their query string, whatever field holds them.
  // A SAMLResponse form value is a bearer credential wherever it shows up in a string.
  if (typeof value === "string") return value.replace(/((?:taskToken|SAMLResponse|SAMLAssertion)=)[^&\s"'<>]+/gi, `$1${REDACTED}`);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item !== undefined ? REDACTED : redact(item, depth + 1);
  }
  return out;
}

/** A short, redacted JSON rendering for debug lines. */
export function summarize(value: unknown, max = 500): string {
  let text: string;
  try {
    text = JSON.stringify(redact(value)) ?? "";
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}
