/**
 * A stable file name for a cache key: FNV-1a (64-bit) in hex. Not a cryptographic hash and it
 * need not be one — the folder is private and each entry stores its full key, compared on read,
 * so a collision is a cache miss, never the wrong credentials. Pure JavaScript on purpose:
 * loading node:crypto costs the credential_process fast path more than all of its own work.
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

export function fileKey(text: string): string {
  let hash = OFFSET;
  for (const byte of Buffer.from(text, "utf8")) hash = ((hash ^ BigInt(byte)) * PRIME) & MASK;
  return hash.toString(16).padStart(16, "0");
}
