import { selectFlags } from "../../lib/cognito/flags.js";
import { decodeClaims } from "../../lib/cognito/jwt.js";
import { checkSelector, tokenCache } from "../../lib/cognito/shared.js";
import { pickLogin } from "../../lib/cognito/token-cache.js";
import { defineCommand, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";

const flags = selectFlags();

export default defineCommand({
  options: flags,
  examples: ["awsblog cognito whoami -o json | jq .claims.email"],
  run: whoami,
});

/** The cached ID token's claims; no network call, so it also works offline. */
async function whoami(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  checkSelector(options);
  const { entry, candidates } = pickLogin(await tokenCache(ctx).list(), options, (message) => ctx.out.warn(message));
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
