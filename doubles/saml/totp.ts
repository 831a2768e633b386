import { createHmac } from "node:crypto";

/** RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits), as authenticator apps compute it. */
export function totp(secret: Buffer, at: Date, stepSeconds = 30, digits = 6): string {
  const counter = Math.floor(at.getTime() / 1000 / stepSeconds);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, "0");
}
