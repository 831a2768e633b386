import { clientSecretFlag, selectFlags } from "../../lib/cognito/flags.js";
import { credentialsForLogin } from "../../lib/cognito/identity-credentials.js";
import { cachedSignIn, DEFAULT_MIN_REMAINING_MS, minRemainingSpan } from "../../lib/cached-sign-in.js";
import { currentLogin, pickCachedLogin } from "../../lib/cognito/session.js";
import { checkSelector } from "../../lib/cognito/shared.js";
import { defineCommand, opt, required, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { UsageError } from "../../lib/errors.js";
import { checkProfileName, credentialsFilePath, writeProfiles } from "../../lib/saml/credentials-file.js";
import { identityPoolRegion } from "../../lib/saml/exchange.js";
import { clipValue } from "../../lib/terminal.js";

const flags = {
  identityPoolId: required(opt.string("--identity-pool-id <id>", "the identity pool trusting the user pool, e.g. us-east-1:0c4e2f3a-…"), "pass the identity pool id: --identity-pool-id <region>:<uuid>"),
  writeProfile: opt.string("--write-profile <name>", "write the credentials as this profile in the shared credentials file"),
  credentialProcess: opt.flag("--credential-process", "print credential_process JSON (Version 1) for ~/.aws/config"),
  customRoleArn: opt.string("--custom-role-arn <arn>", "ask for this role (the identity pool's rules must allow it for the token)"),
  minRemaining: opt.custom("--min-remaining <span>", "answer from the credentials cache while more than this is left (900s, 15m, 1h; default 15m)", minRemainingSpan),
  force: opt.flag("--force", "ask the identity pool even when the cache holds fresh credentials"),
  ...selectFlags(),
  clientSecret: clientSecretFlag("the app client's secret, if an expired login must be refreshed"),
};

export default defineCommand({
  options: flags,
  help: `AWS credentials for the cached login from an identity pool: GetId and GetCredentialsForIdentity with Logins {cognito-idp.<region>.amazonaws.com/<user pool id>: <ID token>} (refreshed first when expired). Sent unsigned: no AWS credentials are needed.
Without --write-profile or --credential-process it prints {identityId, identityPoolId, accessKeyId, expiration, username} — never the secret key or token.
--write-profile: {profile, identityId, identityPoolId, expiration, username}, the file kept as saml login keeps it.
--credential-process: {"Version":1,"AccessKeyId","SecretAccessKey","SessionToken","Expiration"}.
Credentials are cached (files 0600 in <config dir>/credentials/) per identity pool, login and role, and reused while more than --min-remaining is left; concurrent runs share one exchange.
\`awsblog cognito logout\` drops them.`,
  examples: [
    "awsblog cognito credentials --identity-pool-id us-east-1:0c4e2f3a-1111-2222-3333-444455556666 --write-profile blog-user",
    "# ~/.aws/config:  credential_process = awsblog cognito credentials --identity-pool-id us-east-1:0c4e… --credential-process",
  ],
  run: credentials,
});


async function credentials(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  checkSelector(options);
  const identityPoolId = options.identityPoolId.trim();
  const region = identityPoolRegion(identityPoolId);
  if (options.writeProfile !== undefined && options.credentialProcess) {
    throw new UsageError("--write-profile and --credential-process exclude each other", "pick one: a profile in the credentials file, or JSON for credential_process");
  }
  const profile = options.writeProfile !== undefined ? checkProfileName(options.writeProfile) : undefined;
  if (options.customRoleArn !== undefined && !/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(options.customRoleArn)) {
    throw new UsageError(`--custom-role-arn "${clipValue(options.customRoleArn)}" is not a role ARN`, "e.g. arn:aws:iam::123456789012:role/blog-readers");
  }
  const selected = await pickCachedLogin(ctx, options);
  const use = {
    namespace: "cognito",
    // What identifies these credentials: the pool, the login, the role, where it was asked.
    key: [identityPoolId, selected.clientId, selected.username, options.customRoleArn ?? "", ctx.globals.endpointUrl ?? ""].join("\n"),
    force: Boolean(options.force),
    minRemainingMs: options.minRemaining ?? DEFAULT_MIN_REMAINING_MS,
  };
  const { credentials: [set] } = await cachedSignIn(ctx, use, async () => {
    const { entry } = await currentLogin(ctx, options);
    const api = await ctx.services.cognitoIdentity(region);
    const got = await credentialsForLogin(api, { identityPoolId, entry, customRoleArn: options.customRoleArn });
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = got.credentials;
    return { credentials: [{ accessKeyId, secretAccessKey, sessionToken, expiration: expiration.toISOString(), attributes: { identityId: got.identityId } }] };
  });
  const c = { ...set!, sessionToken: set!.sessionToken ?? "", expiration: new Date(set!.expiration) };
  const identityId = String(set!.attributes?.identityId ?? "");
  const entry = selected;
  const expiration = c.expiration.toISOString();

  if (options.credentialProcess) {
    const doc = { Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: expiration };
    // The credential_process protocol is JSON on stdout whatever --output says.
    return { data: doc, text: JSON.stringify(doc) };
  }
  if (profile) {
    const path = credentialsFilePath(ctx.env);
    await writeProfiles(path, [{ profile, credentials: c }], ctx.env);
    return {
      data: { profile, identityId, identityPoolId, expiration, username: entry.username },
      text: `profile ${profile}: ${entry.username} as ${identityId} until ${expiration} — use AWS_PROFILE=${profile}\nwritten to ${path}`,
    };
  }
  return {
    data: { identityId, identityPoolId, accessKeyId: c.accessKeyId, expiration, username: entry.username },
    text: `credentials for ${entry.username} (identity ${identityId}) until ${expiration}\nkeep them with --write-profile <name>, or use --credential-process in ~/.aws/config`,
  };
}
