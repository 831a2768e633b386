import { clientIdFlag, clientSecretFlag, PASSWORD_HELP } from "../../lib/cognito/flags.js";
import { loginWithHostedUi, parseHostedUiDomain } from "../../lib/cognito/hosted-ui.js";
import { parseListen } from "../../lib/loopback.js";
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
  username: opt.string("--username <u>", "username (needed, except with --hosted-ui: the sign-in names the user)"),
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
  hostedUi: opt.string("--hosted-ui <domain>", "sign in through the user pool's hosted UI in a browser (authorization code + PKCE), e.g. myapp.auth.us-east-1.amazoncognito.com"),
  listen: opt.stringWithDefault("--listen <host:port>", "with --hosted-ui: where the browser comes back (callback URL http://<host:port>/callback)", "localhost:8765"),
  open: opt.flag("--open", "with --hosted-ui: open the sign-in page in the browser ($BROWSER, else the system's opener)"),
  scope: opt.list("--scope <scope>", "with --hosted-ui: an OAuth scope, repeatable (default: openid email profile aws.cognito.signin.user.admin)"),
  identityProvider: opt.string("--identity-provider <name>", "with --hosted-ui: go straight to this IdP (Google, a SAML provider's name, …)"),
  listenTimeout: opt.int("--listen-timeout <s>", "with --hosted-ui: how long to wait for the browser", { max: 3600, defaultValue: 300 }),
};

export default defineCommand({
  options: flags,
  help: `Tokens are cached (files 0600) in $AWSBLOG_CONFIG_DIR, else $XDG_CONFIG_HOME/awsblog, else ~/.config/awsblog.
-o json prints {idToken, accessToken, refreshToken, expiresAt, username}.
A pool that requires MFA and a user without it (MFA_SETUP): on a terminal the login enrols an authenticator app (QR code, first code); elsewhere it exits 1 with the command to run on one.
--hosted-ui: add http://localhost:8765/callback (or your --listen) to the app client's callback URLs and allow the code grant; the sign-in URL is printed on stderr (--open opens it).`,
  examples: [
    `awsblog cognito login --client-id "$CLIENT_ID" --hosted-ui myapp.auth.us-east-1.amazoncognito.com --open`,
    `awsblog cognito login --client-id "$CLIENT_ID" --username jdoe --user-pool-id us-east-1_AbC123`,
    `printf '%s\\n' "$PW" | awsblog cognito login --client-id "$CLIENT_ID" --username jdoe --flow password --password-stdin --print id`,
  ],
  run: login,
});

/** Logs in (SRP by default), answers the challenges, caches the tokens. */
async function login(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<TokenOutput | string>> {
  const clientId = checkValue(options.clientId, "--client-id");
  if (options.hostedUi !== undefined) return hostedUiLogin(options, ctx, clientId);
  for (const [given, flag] of [
    [options.open, "--open"],
    [options.scope, "--scope"],
    [options.identityProvider, "--identity-provider"],
  ] as const) {
    if (given !== undefined) throw new UsageError(`${flag} applies only to --hosted-ui`, "add --hosted-ui <domain>, or drop it");
  }
  if (options.username === undefined) throw new UsageError("--username is required", "pass the username: --username <u> (or sign in in a browser with --hosted-ui <domain>)");
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
  if (outcome.challenges.length > 0) ctx.out.debug(`answered challenges: ${outcome.challenges.join(", ")}`);
  return cacheLogin(ctx, { clientId, username, cognitoUsername, userPoolId: options.userPoolId, region, clientSecret, tokens: outcome.tokens, claims }, print);
}

/** --hosted-ui: the browser signs in; the tokens land in the same cache as a password login's. */
async function hostedUiLogin(options: OptionsOf<typeof flags>, ctx: Context, clientId: string): Promise<CommandResult<TokenOutput | string>> {
  for (const [given, flag] of [
    [options.username, "--username"],
    [options.mfaCode, "--mfa-code"],
    [options.passwordStdin, "--password-stdin"],
    [options.newPasswordStdin, "--new-password-stdin"],
  ] as const) {
    if (given !== undefined) throw new UsageError(`${flag} does not apply to --hosted-ui`, `drop ${flag}: the browser sign-in asks for what it needs`);
  }
  const print = checkPrint(options.print, ["id", "access", "refresh"]);
  const region = regionOfPool(options.userPoolId);
  const domain = parseHostedUiDomain(options.hostedUi!);
  const listen = parseListen(options.listen ?? "localhost:8765", "--listen localhost:8765 (the app client's callback URL is then http://localhost:8765/callback)");
  const scopes = (options.scope?.length ? options.scope : DEFAULT_SCOPES).map(checkScope);
  if (options.identityProvider !== undefined && !/^[\w.@:+ -]{1,128}$/.test(options.identityProvider)) {
    throw new UsageError(`--identity-provider "${clipValue(options.identityProvider)}" is not a provider name`, "pass the name the user pool gives it, e.g. Google or MySAML");
  }
  const cache = tokenCache(ctx);
  await cache.check();
  const clientSecret = clientSecretOf(options, ctx);
  const tokens = await loginWithHostedUi(
    {
      domain,
      clientId,
      clientSecret,
      scopes,
      listen,
      open: Boolean(options.open),
      identityProvider: options.identityProvider,
      timeoutSeconds: options.listenTimeout ?? 300,
      callSeconds: ctx.globals.readTimeout || 60,
    },
    ctx,
  );
  const claims = tryDecodeClaims(tokens.idToken);
  const cognitoUsername = typeof claims?.["cognito:username"] === "string" ? claims["cognito:username"] : undefined;
  const username = cognitoUsername ?? (typeof claims?.email === "string" ? claims.email : typeof claims?.sub === "string" ? claims.sub : undefined);
  if (!username) throw new FailureError("the ID token from the hosted UI names no user (no cognito:username, email or sub)", "check --hosted-ui is the user pool's domain");
  return cacheLogin(ctx, { clientId, username, cognitoUsername, userPoolId: options.userPoolId, region, clientSecret, tokens, claims }, print);
}

const DEFAULT_SCOPES = ["openid", "email", "profile", "aws.cognito.signin.user.admin"];

function checkScope(scope: string): string {
  if (!/^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/.test(scope)) throw new UsageError(`--scope "${clipValue(scope)}" is not an OAuth scope`, "e.g. --scope openid --scope email");
  return scope;
}

interface NewLogin {
  clientId: string;
  username: string;
  cognitoUsername?: string;
  userPoolId?: string;
  region?: string;
  clientSecret?: string;
  tokens: { idToken: string; accessToken: string; refreshToken?: string; expiresIn?: number };
  claims: Record<string, unknown> | undefined;
}

/** Caches the tokens (one entry per client id + username) and shapes the result. */
async function cacheLogin(ctx: Context, login: NewLogin, print: "id" | "access" | "refresh" | undefined): Promise<CommandResult<TokenOutput | string>> {
  const { claims, tokens } = login;
  const now = ctx.now();
  const entry: CachedLogin = {
    version: 1,
    clientId: login.clientId,
    username: login.username,
    cognitoUsername: login.cognitoUsername,
    userPoolId: login.userPoolId ?? poolFromIssuer(claims?.iss),
    region: login.region ?? ctx.globals.region ?? regionFromIssuer(claims?.iss),
    idToken: tokens.idToken,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: new Date(now.getTime() + (tokens.expiresIn ?? 3600) * 1000).toISOString(),
    loggedInAt: now.toISOString(),
    // REFRESH_TOKEN_AUTH hashes Cognito's own username (the sub in email-as-username pools).
    refreshSecretHash: maybeSecretHash(login.clientSecret, login.cognitoUsername ?? login.username, login.clientId),
  };
  const cache = tokenCache(ctx);
  const file = await cache.save(entry);
  ctx.out.debug(`cached the login in ${file}`);

  if (print) {
    const token = print === "id" ? entry.idToken : print === "access" ? entry.accessToken : entry.refreshToken;
    if (!token) throw new FailureError("Cognito returned no refresh token for this login", "print the id or access token instead");
    return { data: token, text: token };
  }
  return {
    data: tokenOutput(entry, true),
    text: `logged in as ${login.username}; tokens valid until ${entry.expiresAt}, cached in ${cache.dir}\nprint one with: awsblog cognito token --print id`,
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
