import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { AwsblogError, ExitCode, formatError, UsageError } from "../../lib/errors.js";
import { parseSamlResponse, type SamlAssertion } from "../../lib/saml/assertion.js";
import { checkProfileName, credentialsFilePath, writeProfiles } from "../../lib/saml/credentials-file.js";
import { assumeWithSaml, DEFAULT_DURATION, exchangeWithIdentityPool, identityPoolRegion, type Exchanged } from "../../lib/saml/exchange.js";
import { chooseRoles, profileName, severalRolesError, type SamlRole } from "../../lib/saml/roles.js";
import { credentialProcessDocument, DEFAULT_MIN_REMAINING_MS, samlCacheKey } from "../../lib/saml/cache-key.js";
import { cachedSignIn, minRemainingSpan } from "../../lib/cached-sign-in.js";
import { cachedRole, toCached } from "../../lib/saml/cached-sign-in.js";
import { obtainSamlResponse, pickSource } from "../../lib/saml/sources.js";
import { openTerminal } from "../../lib/saml/terminal.js";
import { sourceFlags } from "./_shared.js";
import { clipValue } from "../../lib/terminal.js";

const flags = {
  ...sourceFlags,
  roleArn: opt.string("--role-arn <arn>", "the role to assume (must be in the assertion)"),
  role: opt.list("--role <name>", "a role by its exact name; repeat for several profiles"),
  allRoles: opt.flag("--all-roles", "assume every role in the assertion (with --write-profile '{account}-{role}')"),
  duration: opt.int("--duration <s>", "session length in seconds (default: the assertion's SessionDuration, else 3600)", { min: 900, max: 43_200 }),
  identityPoolId: opt.string("--identity-pool-id <id>", "exchange through a Cognito identity pool (GetId + GetCredentialsForIdentity) instead of STS"),
  writeProfile: opt.stringWithDefault("--write-profile <name>", "profile to write in the shared credentials file; {account} and {role} are filled in", "saml"),
  credentialProcess: opt.flag("--credential-process", "print credential_process JSON (Version 1) instead of writing a profile"),
  minRemaining: opt.custom("--min-remaining <span>", "answer from the credentials cache while more than this is left (15m, 900s, 1h; default 15m)", minRemainingSpan),
  force: opt.flag("--force", "sign in even when the cache holds fresh credentials"),
};


export default defineCommand({
  options: flags,
  examples: [
    "awsblog saml login --saml-response @response.b64 --role ADFS-Dev",
    `awsblog saml login --idp-url "$ADFS_URL" --username 'EXAMPLE\\jane' --all-roles --write-profile '{account}-{role}'`,
    `awsblog saml login --listen 127.0.0.1:4567 --open "$ADFS_URL"`,
    `awsblog saml login --idp-url "$ADFS_URL" --username jane@example.com --role ADFS-Dev --credential-process`,
    `AWSBLOG_MFA_CODE=123456 awsblog saml login --idp-url "$ADFS_URL" --username jane@example.com --role ADFS-Dev --force`,
  ],
  help: `$ADFS_URL in the examples: the IdP's sign-on page; for AD FS:
https://<host>/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices
Sends STS AssumeRoleWithSAML unsigned: no AWS credentials are needed, stale ones are ignored.
JSON: {"profile","roleArn","principalArn","accountId","subject","expiration","durationSeconds","cached"} (an array of them for several roles); never the keys.
--credential-process prints {"Version":1,"AccessKeyId","SecretAccessKey","SessionToken","Expiration"} for credential_process in ~/.aws/config.
With --idp-url or --listen, credentials are cached (<config dir>/credentials/, 0600): --credential-process and --write-profile
answer from the cache while more than --min-remaining is left, and concurrent calls share one sign-in; the IdP's session
is kept too (<config dir>/saml-sessions/). --force signs in anyway; awsblog saml logout forgets both. "cached" in JSON says which.
After the password, a code page takes --mfa-code / AWSBLOG_MFA_CODE / a prompt; a push page is polled up to --mfa-timeout.
Exit 2 when the assertion is malformed, not Success, expired, or lacks the chosen role (nothing is sent).`,
  run: login,
});

export interface LoginResult {
  profile: string | null;
  roleArn: string;
  principalArn: string;
  accountId: string;
  subject: string | null;
  expiration: string;
  durationSeconds: number;
  /** With --identity-pool-id: the Cognito identity. */
  identityId?: string;
  /** True when the credentials came from the cache (no sign-in, no AWS call). */
  cached: boolean;
}

async function login(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<unknown>> {
  checkChoiceFlags(options);
  pickSource(options); // a bad source combination is a usage error before the cache or its lock
  const poolRegion = options.identityPoolId !== undefined ? identityPoolRegion(options.identityPoolId) : undefined;
  const key = samlCacheKey({ ...options, username: options.username ?? ctx.env.AWSBLOG_SAML_USERNAME, endpointUrl: ctx.globals.endpointUrl, region: ctx.globals.region });
  const use = key ? { namespace: "saml", key, force: Boolean(options.force), minRemainingMs: options.minRemaining ?? DEFAULT_MIN_REMAINING_MS } : undefined;

  // Several roles are a batch: one refused role must not cost the others their profiles.
  const failures: { role: SamlRole; error: unknown }[] = [];
  const signedIn = await cachedSignIn(ctx, use, async () => {
    const response = await obtainSamlResponse({ ...options, promptOnControllingTerminal: Boolean(options.credentialProcess) }, ctx);
    const assertion = parseSamlResponse(response, ctx.now());
    const roles = await pickRoles(assertion, options, ctx);
    if (!options.credentialProcess) profileNames(options.writeProfile, roles); // a bad template fails before AWS is asked
    const results: Exchanged[] = [];
    for (const role of roles) {
      if (ctx.signal.aborted) break;
      try {
        results.push(await exchange(role, assertion, options, ctx, poolRegion));
      } catch (error) {
        if (roles.length === 1 || !(error instanceof AwsblogError) || error instanceof UsageError) throw error;
        failures.push({ role, error });
        ctx.out.warn(formatError(error).replace(/^awsblog: /, `${role.roleName}: `));
      }
    }
    for (const r of results) {
      if (r.durationSeconds < r.requestedSeconds && !options.identityPoolId) {
        ctx.out.warn(`${r.role.roleName}: the role allows less than ${r.requestedSeconds} s; granted ${r.durationSeconds} s`);
      }
    }
    if (results.length === 0 && failures.length > 0) throw failures[0]!.error;
    return { credentials: results.map((r) => toCached(r, assertion.subject)), save: failures.length === 0 && !ctx.signal.aborted };
  });
  const sets = signedIn.credentials;

  if (options.credentialProcess) {
    const doc = credentialProcessDocument(sets[0]!);
    // The credential_process protocol is JSON on stdout whatever --output says.
    return { data: doc, text: JSON.stringify(doc) };
  }
  const path = credentialsFilePath(ctx.env);
  const names = profileNames(options.writeProfile, sets.map(cachedRole));
  const written = sets.map((c, i) => ({ c, role: cachedRole(c), profile: names[i]! }));
  if (written.length) {
    await writeProfiles(
      path,
      written.map(({ c, role, profile }) => ({
        profile,
        credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken ?? "", expiration: new Date(c.expiration) },
        principalArn: role.principalArn,
      })),
      ctx.env,
    );
  }
  const data: (LoginResult | FailedRole)[] = written.map(({ c, role, profile }) => ({
    profile,
    roleArn: role.roleArn,
    principalArn: role.principalArn,
    accountId: role.accountId,
    subject: c.attributes?.subject === undefined || c.attributes.subject === null ? null : String(c.attributes.subject),
    expiration: c.expiration,
    durationSeconds: Number(c.attributes?.durationSeconds ?? 0),
    ...(c.attributes?.identityId ? { identityId: String(c.attributes.identityId) } : {}),
    cached: signedIn.cached,
  }));
  for (const f of failures) {
    data.push({ profile: profileName(options.writeProfile, f.role), roleArn: f.role.roleArn, principalArn: f.role.principalArn, accountId: f.role.accountId, error: formatError(f.error).replace(/^awsblog: /, "") });
  }
  const lines = data.map((d) =>
    "error" in d
      ? `profile ${d.profile}: FAILED ${d.roleArn}: ${d.error}`
      : `profile ${d.profile}: ${d.roleArn} until ${d.expiration} (${d.durationSeconds} s${d.cached ? ", cached" : ""}) — use AWS_PROFILE=${d.profile}`,
  );
  return {
    data: data.length === 1 ? data[0] : data,
    text: `${lines.join("\n")}\n${written.length ? `written to ${path}` : "nothing written"}`,
    exitCode: failures.length ? ExitCode.partial : ExitCode.ok,
  };
}

export interface FailedRole {
  profile: string | null;
  roleArn: string;
  principalArn: string;
  accountId: string;
  error: string;
}

function checkChoiceFlags(options: OptionsOf<typeof flags>): void {
  const choices = [options.roleArn !== undefined, Boolean(options.role?.length), Boolean(options.allRoles)].filter(Boolean).length;
  if (choices > 1) throw new UsageError("--role-arn, --role and --all-roles exclude each other", "pick roles one way");
  if (options.credentialProcess && (options.allRoles || (options.role?.length ?? 0) > 1)) {
    throw new UsageError("--credential-process prints one role's credentials", "choose one role with --role-arn or --role");
  }
  if (options.identityPoolId !== undefined && options.duration !== undefined) {
    throw new UsageError("--duration does not apply to --identity-pool-id", "identity pools issue one-hour credentials; drop --duration");
  }
}

async function pickRoles(assertion: SamlAssertion, options: OptionsOf<typeof flags>, ctx: Context): Promise<SamlRole[]> {
  const chosen = chooseRoles(assertion.roles, { roleArn: options.roleArn, roles: options.role, allRoles: options.allRoles });
  if (chosen) return chosen;
  const terminal = options.samlResponse === "-" || options.passwordStdin ? undefined : openTerminal(ctx, Boolean(options.credentialProcess));
  if (!terminal) throw severalRolesError(assertion.roles);
  let answer: string;
  try {
    const menu = assertion.roles.map((r, i) => `  ${i + 1}) ${r.accountId}  ${r.roleName}  (${r.roleArn})`).join("\n");
    terminal.output.write(`The assertion grants ${assertion.roles.length} roles:\n${menu}\n`);
    answer = (await ctx.services.prompt(`Role [1-${assertion.roles.length}]: `, { input: terminal.input, output: terminal.output, hidden: false })).trim();
  } finally {
    terminal.close();
  }
  const n = Number(answer);
  const role = /^\d+$/.test(answer) ? assertion.roles[n - 1] : assertion.roles.find((r) => r.roleName === answer || r.roleArn === answer);
  if (!role) throw new UsageError(`"${clipValue(answer, 40)}" is not one of the listed roles`, "run again and type a number from the list, or pass --role-arn");
  return [role];
}

function profileNames(template: string, roles: SamlRole[]): string[] {
  const names = roles.map((role) => checkProfileName(profileName(template, role)));
  if (new Set(names).size !== names.length) {
    throw new UsageError(`--write-profile "${template}" gives several roles the same profile name`, "use '{account}-{role}' in the name");
  }
  return names;
}

async function exchange(role: SamlRole, assertion: SamlAssertion, options: OptionsOf<typeof flags>, ctx: Context, poolRegion?: string): Promise<Exchanged> {
  if (options.identityPoolId !== undefined) {
    const api = await ctx.services.cognitoIdentity(poolRegion);
    return exchangeWithIdentityPool(api, options.identityPoolId, role, assertion.base64, ctx.now());
  }
  const sts = await ctx.services.samlSts();
  const requested = options.duration ?? assertion.sessionDuration ?? DEFAULT_DURATION;
  return assumeWithSaml(sts, role, assertion.base64, requested);
}
