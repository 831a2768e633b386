import { decodeClaims } from "../../lib/cognito/jwt.js";
import { selectLogin } from "../../lib/cognito/token-cache.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { currentLogin } from "./session.js";
import { checkPrint, tokenCache, type CognitoDeps } from "./shared.js";
import { tokenOutput } from "./token-output.js";

export interface TokenOptions {
  clientId?: string;
  username?: string;
  print?: string;
  clientSecret?: string;
  refresh?: boolean;
}

/** A valid token from the cache (refreshed when expired). Text output is the bare ID token. */
export async function token(options: TokenOptions, ctx: Context, deps: CognitoDeps = {}): Promise<CommandResult> {
  const print = checkPrint(options.print, ["id", "access"]);
  const { entry, refreshed } = await currentLogin(ctx, deps, { ...options, forceRefresh: options.refresh });
  if (print) {
    const value = print === "access" ? entry.accessToken : entry.idToken;
    return { data: value, text: value };
  }
  return { data: { ...tokenOutput(entry, false), clientId: entry.clientId, refreshed }, text: entry.idToken };
}

export interface WhoamiOptions {
  clientId?: string;
  username?: string;
}

/** The cached ID token's claims; no network call, so it also works offline. */
export async function whoami(options: WhoamiOptions, ctx: Context, deps: CognitoDeps = {}): Promise<CommandResult> {
  const { entry, candidates } = selectLogin(await tokenCache(ctx, deps).list(), options);
  if (candidates > 1) ctx.out.info(`showing the most recent login: ${entry.username} (client ${entry.clientId})`);
  const claims = decodeClaims(entry.idToken);
  const expired = ctx.now().getTime() >= Date.parse(entry.expiresAt);
  const data = { username: entry.username, clientId: entry.clientId, userPoolId: entry.userPoolId, expiresAt: entry.expiresAt, expired, claims };
  const lines = [
    `username:   ${String(claims["cognito:username"] ?? entry.username)}`,
    `sub:        ${String(claims.sub ?? "-")}`,
    ...(claims.email ? [`email:      ${String(claims.email)}`] : []),
    ...(Array.isArray(claims["cognito:groups"]) ? [`groups:     ${(claims["cognito:groups"] as unknown[]).join(", ")}`] : []),
    `user pool:  ${entry.userPoolId ?? "-"}`,
    `client:     ${entry.clientId}`,
    `expires:    ${entry.expiresAt}${expired ? " (expired: `awsblog cognito token` refreshes it)" : ""}`,
  ];
  return { data, text: lines.join("\n") };
}
