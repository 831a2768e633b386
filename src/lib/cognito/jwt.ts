/**
 * Reads a JWT's claims without verifying the signature. Enough for what awsblog does with them
 * (show who is logged in, learn `cognito:username` and `exp`): the tokens came straight from
 * Cognito over TLS and are only ever sent back to services that verify them.
 */
export type Claims = Record<string, unknown>;

export function decodeClaims(token: string): Claims {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("not a JWT");
  const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  if (!claims || typeof claims !== "object" || Array.isArray(claims)) throw new Error("JWT payload is not an object");
  return claims as Claims;
}

/** Like decodeClaims, but undefined instead of an error (for optional enrichment). */
export function tryDecodeClaims(token: string | undefined): Claims | undefined {
  if (!token) return undefined;
  try {
    return decodeClaims(token);
  } catch {
    return undefined;
  }
}
