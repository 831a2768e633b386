import { spawn } from "node:child_process";
import { constants } from "node:os";
import { arg, defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";
import { credentialVariables, loadProfileCredentials } from "../../lib/saml/profile-credentials.js";
import { clipValue } from "../../lib/terminal.js";

const flags = {
  profileName: opt.stringWithDefault("--profile-name <name>", "the profile `saml login --write-profile` wrote", "saml"),
};
const args = { command: arg("[command...]", "the command and its arguments, after --") };

export default defineCommand({
  options: flags,
  args,
  passThrough: true,
  examples: ["awsblog saml exec --profile-name 123456789012-ADFS-Dev -- aws sts get-caller-identity"],
  help: `Runs the command (no shell) with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
AWS_CREDENTIAL_EXPIRATION from the profile. Exit: the command's own code; 1 when the credentials
have expired ("log in again"); 2 when no command is given or it cannot be found.`,
  run: exec,
});

async function exec(options: OptionsOf<typeof flags>, ctx: Context, { command }: ArgsOf<typeof args>): Promise<CommandResult<{ exitCode: number }> | void> {
  const argv = command[0] === "--" ? command.slice(1) : command;
  if (argv.length === 0) throw new UsageError("no command to run", "put it after --, e.g. awsblog saml exec -- aws sts get-caller-identity");
  const credentials = await loadProfileCredentials(options.profileName, ctx);
  const env: NodeJS.ProcessEnv = { ...ctx.env };
  // The profile's keys must win over whatever profile the shell had selected.
  const variables = credentialVariables(credentials);
  for (const name of variables.unset) delete env[name];
  Object.assign(env, variables.set);

  const code = await run(argv, env);
  return { data: { exitCode: code }, text: "", exitCode: code };
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
