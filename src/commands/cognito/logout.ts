import { clientSecretFlag, selectFlags } from "../../lib/cognito/flags.js";
import { currentLogin } from "../../lib/cognito/session.js";
import { checkSelector, cognitoApi, explained, tokenCache } from "../../lib/cognito/shared.js";
import { pickLogin, type CacheListing, type CachedLogin } from "../../lib/cognito/token-cache.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { createCredentialsCache } from "../../lib/credentials-cache.js";
import { AwsError } from "../../lib/errors.js";

const flags = {
  ...selectFlags(),
  all: opt.flag("--all", "forget every cached login"),
  global: opt.flag("--global", "also revoke the user's tokens on every device (GlobalSignOut)"),
  clientSecret: clientSecretFlag("the app client's secret, if an expired login must be refreshed for --global"),
};

export default defineCommand({
  options: flags,
  examples: ["awsblog cognito logout --global"],
  run: logout,
});

type LogoutOptions = OptionsOf<typeof flags>;

export interface LogoutResult {
  loggedOut: { clientId: string; username: string }[];
  globalSignOut: boolean;
}

/**
 * Forgets cached logins: the selected one (flags, else the most recent), or all with --all.
 * --global first signs the user out everywhere (GlobalSignOut revokes every refresh token);
 * if that call fails for any reason but an already-invalid token, the cache is kept so the
 * user can retry.
 */
async function logout(options: LogoutOptions, ctx: Context): Promise<CommandResult<LogoutResult>> {
  checkSelector(options);
  const cache = tokenCache(ctx);
  const listing = await cache.list();
  const targets = options.all ? listing.entries : pick(listing, options, ctx);
  if (options.all) {
    // Unreadable entries cannot be logged out of, only forgotten: --all is the way to clear them.
    for (const { file } of listing.unreadable) await cache.removeFile(file);
    if (listing.unreadable.length > 0) ctx.out.info(`removed ${listing.unreadable.length} unreadable cache entr${listing.unreadable.length === 1 ? "y" : "ies"}`);
  }
  if (targets.length === 0) return { data: { loggedOut: [], globalSignOut: false }, text: "no cached login: nothing to do" };

  let signedOut = false;
  if (options.global) {
    for (const target of targets) signedOut = (await signOutEverywhere(ctx, target, options.clientSecret)) || signedOut;
  }
  for (const target of targets) await cache.remove(target);
  // AWS credentials obtained with these logins (`cognito credentials`) go too. Their cache keys
  // are hashed, so every cognito entry is dropped: the others are fetched again when next asked.
  const dropped = await createCredentialsCache(ctx.env, "cognito").removeAll();
  if (dropped > 0) ctx.out.debug(`removed ${dropped} cached identity pool credential set(s)`);
  const loggedOut = targets.map((t) => ({ clientId: t.clientId, username: t.username }));
  const names = loggedOut.map((t) => t.username).join(", ");
  return {
    data: { loggedOut, globalSignOut: signedOut },
    text: `logged out ${names}${signedOut ? " (signed out of every device: refresh tokens revoked)" : ""}`,
  };
}

function pick(listing: CacheListing, options: LogoutOptions, ctx: Context): CachedLogin[] {
  if (listing.entries.length === 0 && listing.unreadable.length === 0) return [];
  return [pickLogin(listing, options, (message) => ctx.out.warn(message)).entry];
}

async function signOutEverywhere(ctx: Context, target: CachedLogin, clientSecret?: string): Promise<boolean> {
  try {
    const { entry } = await currentLogin(ctx, { clientId: target.clientId, username: target.username, clientSecret });
    const api = await cognitoApi(ctx, entry.region);
    await explained(() => api.globalSignOut(entry.accessToken), { username: entry.username });
    return true;
  } catch (error) {
    if (error instanceof AwsError && error.code === "NotAuthorizedException") {
      ctx.out.warn(`${target.username}: the tokens were already revoked or expired; removing the cached login`);
      return false;
    }
    throw error;
  }
}
