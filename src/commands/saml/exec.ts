import { spawn } from "node:child_process";
import { constants } from "node:os";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";
import { clip } from "../../lib/saml/assertion.js";
import { credentialsFilePath, readCredentialsFile, readProfile } from "../../lib/saml/credentials-file.js";

const flags = {
  profileName: opt.stringWithDefault("--profile-name <name>", "the profile `saml login --write-profile` wrote", "saml"),
};

export default defineCommand({
  options: flags,
  args: [{ name: "[command...]", description: "the command and its arguments, after --" }],
  passThrough: true,
  examples: ["awsblog saml exec --profile-name 123456789012-ADFS-Dev -- aws sts get-caller-identity"],
  help: `Runs the command (no shell) with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
AWS_CREDENTIAL_EXPIRATION from the profile. Exit: the command's own code; 1 when the credentials
have expired ("log in again"); 2 when no command is given or it cannot be found.`,
  run: exec,
});

async function exec(options: OptionsOf<typeof flags>, ctx: Context, args: string[]): Promise<CommandResult<{ exitCode: number }> | void> {
  const argv = args[0] === "--" ? args.slice(1) : args;
  if (argv.length === 0) throw new UsageError("no command to run", "put it after --, e.g. awsblog saml exec -- aws sts get-caller-identity");
  const path = credentialsFilePath(ctx.env);
  const profile = readProfile(await readCredentialsFile(path, ctx.env), options.profileName);
  const loginHint = `log in again: awsblog saml login --write-profile ${options.profileName}`;
  if (!profile?.aws_access_key_id || !profile.aws_secret_access_key) {
    throw new FailureError(`profile ${options.profileName} has no credentials in ${path}`, loginHint);
  }
  const expires = profile.x_security_token_expires ? new Date(profile.x_security_token_expires) : undefined;
  if (expires && Number.isNaN(expires.getTime())) {
    throw new FailureError(`profile ${options.profileName} in ${path} has an unreadable x_security_token_expires ("${clip(profile.x_security_token_expires!)}")`, loginHint);
  }
  if (expires && expires.getTime() <= ctx.now().getTime()) {
    throw new FailureError(`the credentials of profile ${options.profileName} expired at ${expires.toISOString()}`, loginHint);
  }
  const env: NodeJS.ProcessEnv = { ...ctx.env };
  // The profile's keys must win over whatever profile the shell had selected.
  delete env.AWS_PROFILE;
  delete env.AWS_DEFAULT_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  env.AWS_ACCESS_KEY_ID = profile.aws_access_key_id;
  env.AWS_SECRET_ACCESS_KEY = profile.aws_secret_access_key;
  if (profile.aws_session_token) env.AWS_SESSION_TOKEN = profile.aws_session_token;
  if (expires) env.AWS_CREDENTIAL_EXPIRATION = expires.toISOString();

  const code = await run(argv, env);
  return { data: { exitCode: code }, text: "", exitCode: code };
}

function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    // The terminal's Ctrl-C reaches the child too (same process group); we wait for its exit.
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: "inherit", shell: false });
    child.on("error", (error: NodeJS.ErrnoException) => {
      const name = argv[0]!.slice(0, 80).replace(/[^\x20-\x7e]/g, "?");
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
