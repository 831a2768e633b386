import { createHmac } from "node:crypto";

/**
 * SECRET_HASH for app clients that have a client secret: Base64(HMAC-SHA256(secret, username +
 * clientId)). The username must be the one Cognito expects at that step (what was typed for
 * InitiateAuth, USER_ID_FOR_SRP for the challenge answers), so callers pass it explicitly.
 */
export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac("sha256", clientSecret).update(username + clientId, "utf8").digest("base64");
}

/** The SECRET_HASH for `username`, or nothing when the client has no secret. */
export function maybeSecretHash(clientSecret: string | undefined, username: string, clientId: string): string | undefined {
  return clientSecret ? secretHash(clientSecret, username, clientId) : undefined;
}
