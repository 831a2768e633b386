import { createHash, createHmac, hkdfSync, randomBytes as nodeRandomBytes } from "node:crypto";

/**
 * Cognito's SRP-6a variant for USER_SRP_AUTH: the client proves it knows the password without
 * sending it. Cognito-specific choices (all matched against amazon-cognito-identity-js on golden
 * vectors): the RFC 5054 3072-bit group with g = 2, k = H(N ‖ g), integers hashed as the hex of
 * their two's-complement bytes ("sign-padded"), x = H(salt ‖ H(poolName ‖ userId ‖ ":" ‖ password)),
 * a 16-byte HKDF key with info "Caldera Derived Key", and a signature over
 * poolName ‖ userId ‖ secretBlock ‖ timestamp.
 */
const N_HEX =
  "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
  "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
  "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
  "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
  "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
  "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

export const N = BigInt(`0x${N_HEX}`);
export const g = 2n;
export const k = hexToBigInt(hexHash(padHex(N) + padHex(g)));
const INFO = Buffer.from("Caldera Derived Key", "utf8");

/** The PASSWORD_VERIFIER challenge parameters the computation needs. */
export interface PasswordVerifierChallenge {
  USER_ID_FOR_SRP: string;
  SRP_B: string;
  SALT: string;
  SECRET_BLOCK: string;
}

/** The RespondToAuthChallenge ChallengeResponses for PASSWORD_VERIFIER (SECRET_HASH added by the caller). */
export interface PasswordVerifierResponse {
  USERNAME: string;
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  TIMESTAMP: string;
  PASSWORD_CLAIM_SIGNATURE: string;
}

export interface SrpDeps {
  /** Source of the 128 random bytes for the private value a (tests pin it). */
  randomBytes?: (size: number) => Buffer;
  /** Clock for the TIMESTAMP (tests pin it). */
  now?: () => Date;
}

export interface SrpClient {
  /** SRP_A for InitiateAuth: hex of A = g^a mod N. */
  readonly srpA: string;
  /** The answer to the PASSWORD_VERIFIER challenge. */
  answer(challenge: PasswordVerifierChallenge, password: string): PasswordVerifierResponse;
}

/** Starts one SRP exchange for a user pool; the private value lives only in this closure. */
export function createSrpClient(userPoolId: string, deps: SrpDeps = {}): SrpClient {
  const poolName = poolNameOf(userPoolId);
  const random = deps.randomBytes ?? nodeRandomBytes;
  const now = deps.now ?? (() => new Date());
  let a = 0n;
  let A = 0n;
  // a is 1024 bits and N is 3072 bits, so a < N; A = 0 is astronomically unlikely but checked.
  for (let attempt = 0; A === 0n; attempt++) {
    if (attempt >= 3) throw new Error("SRP: could not pick a usable private value");
    a = hexToBigInt(random(128).toString("hex"));
    A = a === 0n ? 0n : modPow(g, a, N);
  }
  return {
    srpA: A.toString(16),
    answer(challenge, password) {
      const userId = challenge.USER_ID_FOR_SRP;
      const key = passwordAuthenticationKey({ poolName, userId, password, a, A, B: parseHex(challenge.SRP_B, "SRP_B"), salt: parseHex(challenge.SALT, "SALT") });
      const timestamp = cognitoTimestamp(now());
      const message = Buffer.concat([
        Buffer.from(poolName, "utf8"),
        Buffer.from(userId, "utf8"),
        Buffer.from(challenge.SECRET_BLOCK, "base64"),
        Buffer.from(timestamp, "utf8"),
      ]);
      return {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: challenge.SECRET_BLOCK,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: createHmac("sha256", key).update(message).digest("base64"),
      };
    },
  };
}

interface KeyInput {
  poolName: string;
  userId: string;
  password: string;
  a: bigint;
  A: bigint;
  B: bigint;
  salt: bigint;
}

/** The 16-byte key both sides derive from the shared secret S. */
export function passwordAuthenticationKey({ poolName, userId, password, a, A, B, salt }: KeyInput): Buffer {
  // A malicious or broken server could send B ≡ 0 to force S = 0; refuse as the reference does.
  if (B % N === 0n) throw new Error("SRP: the server sent an invalid B");
  const u = hexToBigInt(hexHash(padHex(A) + padHex(B)));
  if (u === 0n) throw new Error("SRP: u is zero");
  const x = hexToBigInt(hexHash(padHex(salt) + hash(`${poolName}${userId}:${password}`)));
  const base = (((B - k * modPow(g, x, N)) % N) + N) % N;
  const S = modPow(base, a + u * x, N);
  return Buffer.from(hkdfSync("sha256", Buffer.from(padHex(S), "hex"), Buffer.from(padHex(u), "hex"), INFO, 16));
}

/**
 * Hex of a non-negative integer as Java's BigInteger.toByteArray() would give it: even length,
 * and a leading 00 when the top bit is set so the value cannot read as negative. Cognito hashes
 * integers in this form; getting it wrong fails about half of all logins.
 */
export function padHex(value: bigint): string {
  if (value < 0n) throw new Error("padHex: negative values are not used in SRP");
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

/** `Tue Nov 5 09:04:05 UTC 2026`: UTC, English names, day of month NOT zero-padded. */
export function cognitoTimestamp(date: Date): string {
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][date.getUTCDay()];
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][date.getUTCMonth()];
  const two = (n: number) => String(n).padStart(2, "0");
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${weekday} ${month} ${date.getUTCDate()} ${time} UTC ${date.getUTCFullYear()}`;
}

/** `us-east-1_AbC123` → `AbC123`: the pool name Cognito mixes into the SRP hashes. */
export function poolNameOf(userPoolId: string): string {
  const match = /^[\w-]+_([0-9a-zA-Z]+)$/.exec(userPoolId);
  if (!match?.[1]) throw new Error(`not a user pool id: ${userPoolId}`);
  return match[1];
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function hash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function hexHash(hex: string): string {
  return createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex");
}

function hexToBigInt(hex: string): bigint {
  return hex === "" ? 0n : BigInt(`0x${hex}`);
}

function parseHex(value: string, name: string): bigint {
  if (!/^[0-9a-fA-F]+$/.test(value)) throw new Error(`SRP: ${name} from the server is not hex`);
  return hexToBigInt(value);
}
