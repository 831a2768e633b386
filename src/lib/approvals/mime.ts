/**
 * The approval mail as a MIME message (multipart/alternative: text, then HTML), sent with
 * SES SendRawEmail. Raw bytes rather than SendEmail's fields because the bodies carry task
 * tokens, and request summaries under --debug print fields but only the size of raw bytes.
 */
export interface MimeMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

// Base64 bodies never contain "-", so this boundary cannot occur inside a part.
export const BOUNDARY = "awsblog-approval-alternative";

export function buildMime(mail: MimeMail): Buffer {
  const lines = [
    `From: ${headerValue(mail.from)}`,
    `To: ${headerValue(mail.to)}`,
    `Subject: ${encodeWord(mail.subject)}`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/alternative; boundary="${BOUNDARY}"`,
    "",
    `--${BOUNDARY}`,
    ...part("text/plain", mail.text),
    `--${BOUNDARY}`,
    ...part("text/html", mail.html),
    `--${BOUNDARY}--`,
    "",
  ];
  return Buffer.from(lines.join("\r\n"), "utf8");
}

function part(type: string, body: string): string[] {
  const encoded = Buffer.from(body, "utf8").toString("base64");
  return [`Content-Type: ${type}; charset=UTF-8`, "Content-Transfer-Encoding: base64", "", ...(encoded.match(/.{1,76}/g) ?? [""])];
}

/** RFC 2047 encoded-word, so any subject (accents, quotes) survives as one header line. */
function encodeWord(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

/** Addresses were validated upstream; line breaks would start new headers, so drop them. */
function headerValue(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
