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

/**
 * RFC 2047 encoded-words, so any subject (accents, quotes) survives: words of at most 39
 * bytes (64 characters encoded, so a line stays under 78), cut between characters, folded.
 */
function encodeWord(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let current = "";
  for (const char of text) {
    if (Buffer.byteLength(current + char, "utf8") > 39) {
      words.push(current);
      current = "";
    }
    current += char;
  }
  words.push(current);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, "utf8").toString("base64")}?=`).join("\r\n ");
}

/** Addresses were validated upstream; line breaks would start new headers, so drop them. */
function headerValue(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
