import { tryDecodeClaims } from "../../lib/cognito/jwt.js";
import { runLogin, type LoginFlow } from "../../lib/cognito/login-flow.js";
import { maybeSecretHash } from "../../lib/cognito/secret-hash.js";
import type { CachedLogin } from "../../lib/cognito/token-cache.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";
import { checkPrint, clientSecretOf, cognitoApi, explained, regionOfPool, secretInput, tokenCache, type CognitoDeps } from "./shared.js";
import { tokenOutput, type TokenOutput } from "./token-output.js";

export interface LoginOptions {
  clientId: string;
  username: string;
  userPoolId?: string;
  flow?: string;
  mfaCode?: string;
  clientSecret?: string;
  print?: string;
  passwordStdin?: boolean;
  newPasswordStdin?: boolean;
}

/** Logs in (SRP by default), answers the challenges, caches the tokens. */
export async function login(options: LoginOptions, ctx: Context, deps: CognitoDeps = {}): Promise<CommandResult<TokenOutput | string>> {
  const flow = (options.flow ?? "srp") as LoginFlow;
  if (flow !== "srp" && flow !== "password") throw new UsageError(`--flow must be srp or password, got "${options.flow}"`);
  const print = checkPrint(options.print, ["id", "access", "refresh"]);
  const region = regionOfPool(options.userPoolId);
  if (flow === "srp" && !options.userPoolId) {
    throw new UsageError("--flow srp (the default) needs --user-pool-id", "pass --user-pool-id <region_id> (SRP mixes the pool name into the proof), or use --flow password");
  }
  // Every input is gathered before the first call: a missing password sends nothing.
  const clientSecret = clientSecretOf(options, ctx);
  const secrets = secretInput(ctx, deps, options);
  const password = await secrets.password();
  const api = await cognitoApi(ctx, deps, region);

  const outcome = await explained(
    () =>
      runLogin(api, {
        clientId: options.clientId,
        username: options.username,
        userPoolId: options.userPoolId,
        flow,
        clientSecret,
        password,
        mfaCode: options.mfaCode,
        secrets,
        srp: deps.srp,
      }),
    { flow, username: options.username, hasSecret: Boolean(clientSecret) },
  );
  const claims = tryDecodeClaims(outcome.tokens.idToken);
  const cognitoUsername = typeof claims?.["cognito:username"] === "string" ? claims["cognito:username"] : outcome.challengeUsername;
  const now = ctx.now();
  const entry: CachedLogin = {
    version: 1,
    clientId: options.clientId,
    username: options.username,
    cognitoUsername,
    userPoolId: options.userPoolId ?? poolFromIssuer(claims?.iss),
    region: region ?? ctx.globals.region ?? regionFromIssuer(claims?.iss),
    idToken: outcome.tokens.idToken,
    accessToken: outcome.tokens.accessToken,
    refreshToken: outcome.tokens.refreshToken,
    expiresAt: new Date(now.getTime() + (outcome.tokens.expiresIn ?? 3600) * 1000).toISOString(),
    loggedInAt: now.toISOString(),
    // REFRESH_TOKEN_AUTH hashes Cognito's own username (the sub in email-as-username pools).
    refreshSecretHash: maybeSecretHash(clientSecret, cognitoUsername, options.clientId),
  };
  const cache = tokenCache(ctx, deps);
  const file = await cache.save(entry);
  ctx.out.debug(`cached the login in ${file}`);
  if (outcome.challenges.length > 0) ctx.out.debug(`answered challenges: ${outcome.challenges.join(", ")}`);

  if (print) {
    const token = print === "id" ? entry.idToken : print === "access" ? entry.accessToken : entry.refreshToken;
    if (!token) throw new FailureError("Cognito returned no refresh token for this login", "print the id or access token instead");
    return { data: token, text: token };
  }
  const data = tokenOutput(entry, true);
  return {
    data,
    text: `logged in as ${options.username}; tokens valid until ${entry.expiresAt}, cached in ${cache.dir}\nprint one with: awsblog cognito token --print id`,
  };
}

/** The region of the pool that issued the token (for refreshing later). */
function regionFromIssuer(iss: unknown): string | undefined {
  const pool = poolFromIssuer(iss);
  return pool?.split("_")[0];
}

/** `https://cognito-idp.<region>.amazonaws.com/<pool id>` → the pool id. */
function poolFromIssuer(iss: unknown): string | undefined {
  if (typeof iss !== "string") return undefined;
  const last = iss.split("/").pop();
  return last && /^[\w-]+_[0-9a-zA-Z]+$/.test(last) ? last : undefined;
}
