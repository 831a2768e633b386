import { spawn } from "node:child_process";
import { constants } from "node:os";
import { arg, defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";
import { credentialVariables, loadProfileCredentials } from "../../lib/saml/profile-credentials.js";
import { clipValue } from "../../lib/terminal.js";
import { accountFlag, roleChoiceFlags, sourceFlags } from "./_shared.js";

const flags = {
  profileName: opt.stringWithDefault("--profile-name <name>", "the profile `saml login --write-profile` wrote (not with --refresh)", "saml"),
  refresh: opt.flag("--refresh", "serve credentials to the command from a loopback endpoint that signs in again (--idp-url) before they expire"),
  idpUrl: sourceFlags.idpUrl,
  username: sourceFlags.username,
  passwordStdin: sourceFlags.passwordStdin,
  ...roleChoiceFlags,
  ...accountFlag,
  duration: opt.int("--duration <s>", "with --refresh: session length in seconds (default: the assertion's SessionDuration, else 3600)", { min: 900, max: 43_200 }),
};

/** Variables through which an SDK could find credentials other than the endpoint's (checked before the container provider). */
const OTHER_CREDENTIALS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];
const args = { command: arg("[command...]", "the command and its arguments, after --") };

export default defineCommand({
  options: flags,
  args,
  passThrough: true,
  examples: [
    "awsblog saml exec --profile-name 123456789012-ADFS-Dev -- aws sts get-caller-identity",
    `awsblog saml exec --refresh --idp-url "$ADFS_URL" --username 'EXAMPLE\\jane' --role ADFS-Dev -- ./two-hour-job.sh`,
  ],
  help: `Runs the command (no shell) with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
AWS_CREDENTIAL_EXPIRATION from the profile. Exit: the command's own code; 1 when the credentials
have expired ("log in again"); 2 when no command is given or it cannot be found.
--refresh: signs in at --idp-url (password asked once: --password-stdin, AWSBLOG_PASSWORD or a prompt, kept
in memory for the run) and gives the command AWS_CONTAINER_CREDENTIALS_FULL_URI (http://127.0.0.1:<port>/credentials)
and AWS_CONTAINER_AUTHORIZATION_TOKEN (random per run) instead of keys; the endpoint signs in again before the
credentials run out. Inherited AWS_ACCESS_KEY_ID, AWS_PROFILE and the like are removed from the command's environment.`,
  run: exec,
});

async function exec(options: OptionsOf<typeof flags>, ctx: Context, { command }: ArgsOf<typeof args>): Promise<CommandResult<{ exitCode: number }> | void> {
  const argv = command[0] === "--" ? command.slice(1) : command;
  if (argv.length === 0) throw new UsageError("no command to run", "put it after --, e.g. awsblog saml exec -- aws sts get-caller-identity");
  const signInFlags = [options.idpUrl, options.username, options.passwordStdin, options.roleArn, options.role, options.account, options.duration].some((v) => v !== undefined);
  if (options.refresh) return execRefreshing(argv, options, ctx);
  if (signInFlags) throw new UsageError("--idp-url, --username, --password-stdin, --role-arn, --role, --account and --duration work with --refresh", "add --refresh, or drop them to use the profile");
  const credentials = await loadProfileCredentials(options.profileName, ctx);
  const env: NodeJS.ProcessEnv = { ...ctx.env };
  // The profile's keys must win over whatever profile the shell had selected.
  const variables = credentialVariables(credentials);
  for (const name of variables.unset) delete env[name];
  Object.assign(env, variables.set);

  const code = await run(argv, env);
  return { data: { exitCode: code }, text: "", exitCode: code };
}

async function execRefreshing(argv: string[], options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<{ exitCode: number }>> {
  if (options.idpUrl === undefined) throw new UsageError("--refresh signs in again at the IdP and needs --idp-url", "pass --idp-url <sign-on page> (and --username, --role)");
  if (options.roleArn !== undefined && options.role !== undefined) throw new UsageError("--role-arn and --role exclude each other", "pick the role one way");
  const { accountChoice } = await import("../../lib/saml/accounts.js");
  const accounts = await accountChoice(options.account, ctx.env);
  const { startRepeatableSignIn } = await import("../../lib/saml/sign-in.js");
  const { startCredentialsEndpoint } = await import("../../lib/saml/credentials-endpoint.js");
  const { signIn, first } = await startRepeatableSignIn(
    { idpUrl: options.idpUrl, username: options.username, passwordStdin: options.passwordStdin, roleArn: options.roleArn, roles: options.role ? [options.role] : undefined, duration: options.duration, accountId: accounts.accountId, aliases: accounts.aliases },
    ctx,
  );
  const endpoint = await startCredentialsEndpoint(first, () => signIn.renew(), ctx);
  try {
    const env: NodeJS.ProcessEnv = { ...ctx.env };
    for (const name of OTHER_CREDENTIALS) delete env[name];
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI = endpoint.url;
    env.AWS_CONTAINER_AUTHORIZATION_TOKEN = endpoint.token;
    ctx.out.info(`${signIn.role.roleArn} until ${first.expiration.toISOString()}; renewed before expiry while the command runs`);
    const code = await run(argv, env);
    return { data: { exitCode: code }, text: "", exitCode: code };
  } finally {
    await endpoint.close();
  }
}

function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    // The terminal's Ctrl-C reaches the child too (same process group); we wait for its exit.
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: "inherit", shell: false });
    child.on("error", (error: NodeJS.ErrnoException) => {
      const name = clipValue(argv[0]!, 80);
      reject(
        error.code === "ENOENT" || error.code === "EACCES"
          ? new UsageError(`cannot run "${name}" (${error.code})`, "check the command name and your PATH")
          : new FailureError(`cannot run "${name}" (${error.code ?? error.message})`, "check the command", { cause: error }),
      );
    });
    child.on("close", (code, signal) => {
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1));
    });
  });
}
