import type { Context } from "../context.js";
import { FailureError } from "../errors.js";
import { tryDecodeClaims } from "./jwt.js";
import { secretHash } from "./secret-hash.js";
import { clientSecretOf, cognitoApi, explained, tokenCache } from "./shared.js";
import { pickLogin, type CachedLogin, type Selector } from "./token-cache.js";

/** Tokens are refreshed this long before they expire, so a call made now does not race the clock. */
const EXPIRY_MARGIN_MS = 60_000;

export interface SessionOptions extends Selector {
  clientSecret?: string;
  forceRefresh?: boolean;
}

/** The cached login the flags select, as it is (no refresh): who is asking, before anything is sent. */
export async function pickCachedLogin(ctx: Context, selector: Selector): Promise<CachedLogin> {
  return pickLogin(await tokenCache(ctx).list(), selector, () => {}).entry;
}

/** The cached login the flags select, refreshed with REFRESH_TOKEN_AUTH when (nearly) expired. */
export async function currentLogin(ctx: Context, options: SessionOptions): Promise<{ entry: CachedLogin; refreshed: boolean }> {
  const cache = tokenCache(ctx);
  const { entry, candidates } = pickLogin(await cache.list(), options, (message) => ctx.out.warn(message));
  if (candidates > 1) ctx.out.info(`using the most recent login: ${entry.username} (client ${entry.clientId}); pass --client-id/--username to pick another`);
  const expired = ctx.now().getTime() >= Date.parse(entry.expiresAt) - EXPIRY_MARGIN_MS;
  if (!expired && !options.forceRefresh) return { entry, refreshed: false };
  if (!entry.refreshToken) {
    throw new FailureError(`the cached login of ${entry.username} has expired and has no refresh token`, "log in again: awsblog cognito login");
  }
  const refreshed = await refresh(ctx, entry, clientSecretOf(options, ctx));
  await cache.save(refreshed);
  ctx.out.debug(`refreshed the tokens of ${entry.username}; valid until ${refreshed.expiresAt}`);
  return { entry: refreshed, refreshed: true };
}

async function refresh(ctx: Context, entry: CachedLogin, clientSecret?: string): Promise<CachedLogin> {
  const api = await cognitoApi(ctx, entry.region);
  // Cognito checks the refresh SECRET_HASH against its own username for the user
  // (`cognito:username`, the sub in email-as-username pools), not what was typed at login.
  const hash = clientSecret ? secretHash(clientSecret, entry.cognitoUsername ?? entry.username, entry.clientId) : entry.refreshSecretHash;
  const parameters: Record<string, string> = { REFRESH_TOKEN: entry.refreshToken ?? "" };
  if (hash) parameters.SECRET_HASH = hash;
  const step = await explained(() => api.initiateAuth({ clientId: entry.clientId, authFlow: "REFRESH_TOKEN_AUTH", parameters }), {
    username: entry.username,
  });
  const tokens = step.tokens;
  if (!tokens?.idToken || !tokens.accessToken) {
    throw new FailureError(`refreshing the login of ${entry.username} returned ${step.challengeName ?? "no tokens"}`, "log in again: awsblog cognito login");
  }
  const now = ctx.now();
  const claims = tryDecodeClaims(tokens.idToken);
  return {
    ...entry,
    idToken: tokens.idToken,
    accessToken: tokens.accessToken,
    // Cognito rotates the refresh token only when rotation is on; otherwise keep the old one.
    refreshToken: tokens.refreshToken ?? entry.refreshToken,
    cognitoUsername: typeof claims?.["cognito:username"] === "string" ? claims["cognito:username"] : entry.cognitoUsername,
    expiresAt: new Date(now.getTime() + (tokens.expiresIn ?? 3600) * 1000).toISOString(),
    refreshedAt: now.toISOString(),
    refreshSecretHash: clientSecret ? hash : entry.refreshSecretHash,
  };
}
