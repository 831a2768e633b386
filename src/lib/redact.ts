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

/**
 * The values of a request's secret fields (task tokens, passwords, SAML assertions, session
 * tokens…), found by the same key names as redact(): what must not come back in a quoted answer.
 */
export function secretValues(value: unknown, depth = 0, found: string[] = []): string[] {
  if (depth > 8 || value === null || typeof value !== "object") return found;
  // Bytes and streams hold no named secrets; walking a 50 MB zip's entries would take minutes.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || typeof (value as { pipe?: unknown }).pipe === "function") return found;
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEY.test(key) && typeof item === "string") found.push(item);
    else if (SECRET_KEY.test(key) && item && typeof item === "object" && !Array.isArray(item)) {
      for (const nested of Object.values(item)) if (typeof nested === "string") found.push(nested); // Logins: { provider: assertion }
    } else secretValues(item, depth + 1, found);
  }
  return found;
}

/** Shorter values are not worth hiding and would mangle the text (a one-letter password). */
const MIN_SECRET_CHARS = 4;

/**
 * Text from outside (an IdP's error page, an AWS error message) with every secret we sent
 * replaced by ***: servers echo what they were given ("Password 'hunter2!' is not valid",
 * "Invalid token: AAAA…"). Each secret is also looked for as it travels or is shown: URL- and
 * form-encoded, HTML- and JSON-escaped, and with its whitespace folded.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_CHARS) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
    forms.add(secret.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`));
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(secret.replace(/\s+/g, " ").trim());
  }
  let out = text;
  // Longest first, so a form that contains another is replaced whole.
  for (const form of [...forms].filter((f) => f.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}

/** An error whose message (and hint, and cause chain's messages) quote remote text: secrets replaced, in place. */
export function redactError<E>(error: E, secrets: readonly (string | undefined)[]): E {
  if (!secrets.some((s) => s && s.length >= MIN_SECRET_CHARS)) return error;
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    current.message = redactSecrets(current.message, secrets);
    const hinted = current as { hint?: string };
    if (typeof hinted.hint === "string") Object.defineProperty(current, "hint", { value: redactSecrets(hinted.hint, secrets) });
    if (current.stack) current.stack = redactSecrets(current.stack, secrets);
    current = current.cause;
  }
  return error;
}
