import { clientIdFlag, clientSecretFlag, PASSWORD_HELP, usernameFlag } from "../../lib/cognito/flags.js";
import { tryDecodeClaims } from "../../lib/cognito/jwt.js";
import { runLogin, type LoginFlow } from "../../lib/cognito/login-flow.js";
import { explainCognitoError } from "../../lib/cognito/explain-error.js";
import { enrolTotp, preferenceFor } from "../../lib/cognito/mfa.js";
import { totpCodeReader, totpPresenter } from "../../lib/cognito/mfa-terminal.js";
import { maybeSecretHash } from "../../lib/cognito/secret-hash.js";
import { checkPrint, checkValue, clientSecretOf, cognitoApi, explained, regionOfPool, secretInput, tokenCache } from "../../lib/cognito/shared.js";
import type { CachedLogin } from "../../lib/cognito/token-cache.js";
import { tokenOutput, type TokenOutput } from "../../lib/cognito/token-output.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";
import { clipValue } from "../../lib/terminal.js";

const flags = {
  clientId: clientIdFlag(),
  username: usernameFlag(),
  userPoolId: opt.string("--user-pool-id <id>", "user pool id, e.g. us-east-1_AbC123 (needed for SRP; its prefix gives the region)"),
  flow: opt.stringWithDefault("--flow <flow>", "srp (USER_SRP_AUTH) or password (USER_PASSWORD_AUTH)", "srp", { values: ["srp", "password"] }),
  mfaCode: opt.string("--mfa-code <c>", "SMS or authenticator code, if Cognito asks (else a prompt)"),
  clientSecret: clientSecretFlag(),
  print: opt.string("--print <token>", "print only this token: id, access or refresh", { values: ["id", "access", "refresh"] }),
  passwordStdin: opt.flag("--password-stdin", PASSWORD_HELP),
  newPasswordStdin: opt.flag(
    "--new-password-stdin",
    "for NEW_PASSWORD_REQUIRED: read the new password from stdin (line 2 with --password-stdin); else $AWSBLOG_NEW_PASSWORD or a prompt",
  ),
};

export default defineCommand({
  options: flags,
  help: `Tokens are cached (files 0600) in $AWSBLOG_CONFIG_DIR, else $XDG_CONFIG_HOME/awsblog, else ~/.config/awsblog.
-o json prints {idToken, accessToken, refreshToken, expiresAt, username}.`,
  examples: [
    `awsblog cognito login --client-id "$CLIENT_ID" --username jdoe --user-pool-id us-east-1_AbC123`,
    `printf '%s\\n' "$PW" | awsblog cognito login --client-id "$CLIENT_ID" --username jdoe --flow password --password-stdin --print id`,
  ],
  run: login,
});

/** Logs in (SRP by default), answers the challenges, caches the tokens. */
async function login(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<TokenOutput | string>> {
  const clientId = checkValue(options.clientId, "--client-id");
  const username = checkValue(options.username, "--username");
  const flow = (options.flow ?? "srp") as LoginFlow;
  if (flow !== "srp" && flow !== "password") throw new UsageError(`--flow must be srp or password, got "${clipValue(options.flow)}"`, "e.g. --flow password");
  if (options.mfaCode !== undefined) checkValue(options.mfaCode, "--mfa-code");
  const print = checkPrint(options.print, ["id", "access", "refresh"]);
  const region = regionOfPool(options.userPoolId);
  if (flow === "srp" && !options.userPoolId) {
    throw new UsageError("--flow srp (the default) needs --user-pool-id", "pass --user-pool-id <region_id> (SRP mixes the pool name into the proof), or use --flow password");
  }
  // Every input is gathered, and the cache checked, before the first call: a missing password
  // or an unsafe cache sends nothing.
  const cache = tokenCache(ctx);
  await cache.check();
  const clientSecret = clientSecretOf(options, ctx);
  const secrets = secretInput(ctx, options);
  const password = await secrets.password();
  const api = await cognitoApi(ctx, region);
  const issuer = options.userPoolId ?? "AWSCognito";
  // MFA_SETUP: on a terminal the login goes on into enrolling an authenticator app.
  const setupTotp = ctx.stdin.isTTY
    ? async (session: string | undefined, challengeUser: string) =>
        (
          await enrolTotp(api, { session, issuer, account: username, present: totpPresenter(ctx), code: totpCodeReader(ctx, false) }).catch((error: unknown) => {
            throw explainCognitoError(error, { flow: "mfa-setup", username: challengeUser });
          })
        ).session
    : undefined;

  const outcome = await explained(
    () =>
      runLogin(api, {
        clientId,
        username,
        userPoolId: options.userPoolId,
        flow,
        clientSecret,
        password,
        mfaCode: options.mfaCode,
        secrets,
        srp: { randomBytes: (size) => ctx.services.randomBytes(size), now: ctx.now },
        setupTotp,
        mfaSetupCommand: loginCommand(clientId, username, options.userPoolId, flow),
      }),
    { flow, username, hasSecret: Boolean(clientSecret) },
  );
  if (outcome.challenges.includes("MFA_SETUP")) {
    // The app was verified during the login: make it the MFA the next logins ask for.
    await explained(() => api.setUserMfaPreference({ accessToken: outcome.tokens.accessToken, ...preferenceFor("totp") }), { username });
  }
  const claims = tryDecodeClaims(outcome.tokens.idToken);
  const cognitoUsername = typeof claims?.["cognito:username"] === "string" ? claims["cognito:username"] : outcome.challengeUsername;
  const now = ctx.now();
  const entry: CachedLogin = {
    version: 1,
    clientId,
    username,
    cognitoUsername,
    userPoolId: options.userPoolId ?? poolFromIssuer(claims?.iss),
    region: region ?? ctx.globals.region ?? regionFromIssuer(claims?.iss),
    idToken: outcome.tokens.idToken,
    accessToken: outcome.tokens.accessToken,
    refreshToken: outcome.tokens.refreshToken,
    expiresAt: new Date(now.getTime() + (outcome.tokens.expiresIn ?? 3600) * 1000).toISOString(),
    loggedInAt: now.toISOString(),
    // REFRESH_TOKEN_AUTH hashes Cognito's own username (the sub in email-as-username pools).
    refreshSecretHash: maybeSecretHash(clientSecret, cognitoUsername, clientId),
  };
  const file = await cache.save(entry);
  ctx.out.debug(`cached the login in ${file}`);
  if (outcome.challenges.length > 0) ctx.out.debug(`answered challenges: ${outcome.challenges.join(", ")}`);

  if (print) {
    const token = print === "id" ? entry.idToken : print === "access" ? entry.accessToken : entry.refreshToken;
    if (!token) throw new FailureError("Cognito returned no refresh token for this login", "print the id or access token instead");
    return { data: token, text: token };
  }
  return {
    data: tokenOutput(entry, true),
    text: `logged in as ${username}; tokens valid until ${entry.expiresAt}, cached in ${cache.dir}\nprint one with: awsblog cognito token --print id`,
  };
}

/** The same login, as the user would type it again on a terminal. */
function loginCommand(clientId: string, username: string, userPoolId: string | undefined, flow: LoginFlow): string {
  const quote = (value: string) => (/^[\w@.+=:,/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
  const pool = userPoolId ? ` --user-pool-id ${quote(userPoolId)}` : "";
  return `awsblog cognito login --client-id ${quote(clientId)} --username ${quote(username)}${pool}${flow === "password" ? " --flow password" : ""}`;
}

/** The region of the pool that issued the token (for refreshing later). */
function regionFromIssuer(iss: unknown): string | undefined {
  return poolFromIssuer(iss)?.split("_")[0];
}

/** `https://cognito-idp.<region>.amazonaws.com/<pool id>` → the pool id. */
function poolFromIssuer(iss: unknown): string | undefined {
  if (typeof iss !== "string") return undefined;
  const last = iss.split("/").pop();
  return last && /^[\w-]+_[0-9a-zA-Z]+$/.test(last) ? last : undefined;
}
