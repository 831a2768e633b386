import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { credentialVariables, loadProfileCredentials } from "../../lib/saml/profile-credentials.js";
import { defaultShell, shellLines, SHELLS } from "../../lib/saml/shell-lines.js";

const flags = {
  profileName: opt.stringWithDefault("--profile-name <name>", "the profile `saml login --write-profile` wrote", "saml"),
  shell: opt.choice("--shell <shell>", "the syntax of the lines (default: from $SHELL, else sh)", SHELLS),
};

export default defineCommand({
  options: flags,
  examples: [
    `eval "$(awsblog saml env --profile-name dev)"`,
    "awsblog saml env --profile-name dev --shell fish | source",
    "awsblog saml env --profile-name dev --shell powershell | Invoke-Expression",
  ],
  help: `Prints lines that set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
AWS_CREDENTIAL_EXPIRATION from the profile and unset AWS_PROFILE, AWS_DEFAULT_PROFILE and the legacy
AWS_SECURITY_TOKEN (so no other credentials win). Values are single-quoted for the shell: nothing in
them is expanded. The lines hold the secret key: evaluate them, do not save them.
JSON: {"profile","shell","expiration","set":{…},"unset":[…]}. Exit 1 when the credentials expired ("log in again").`,
  run: env,
});

async function env(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<unknown>> {
  const credentials = await loadProfileCredentials(options.profileName, ctx);
  const shell = options.shell ?? defaultShell(ctx.env);
  const variables = credentialVariables(credentials);
  const lines = shellLines(shell, variables);
  return {
    data: { profile: credentials.profile, shell, expiration: credentials.expiration?.toISOString() ?? null, ...variables },
    text: lines.join("\n"),
  };
}
