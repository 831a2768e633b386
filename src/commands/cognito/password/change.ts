import { clientSecretFlag, PASSWORD_HELP, selectFlags } from "../../../lib/cognito/flags.js";
import { currentLogin } from "../../../lib/cognito/session.js";
import { checkSelector, cognitoApi, explained, secretInput } from "../../../lib/cognito/shared.js";
import { defineCommand, opt, type OptionsOf } from "../../../lib/command.js";
import type { CommandResult, Context } from "../../../lib/context.js";

const flags = {
  ...selectFlags(),
  passwordStdin: opt.flag("--password-stdin", `the current password: ${PASSWORD_HELP}`),
  newPasswordStdin: opt.flag(
    "--new-password-stdin",
    "read the new password from stdin (line 2 with --password-stdin); else $AWSBLOG_NEW_PASSWORD, else asked twice without echo",
  ),
  clientSecret: clientSecretFlag("the app client's secret, if an expired login must be refreshed"),
};

export default defineCommand({
  options: flags,
  help: `Changes the password of the cached login (ChangePassword with its access token; log in first).
Neither password is taken from argv. JSON: {username, clientId, passwordChanged: true}.`,
  examples: [
    "awsblog cognito password change",
    `printf '%s\\n%s\\n' "$OLD_PW" "$NEW_PW" | awsblog cognito password change --password-stdin --new-password-stdin`,
  ],
  run: change,
});

/** ChangePassword with the cached access token (refreshed first when it has expired). */
async function change(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  checkSelector(options);
  // The login first (no login, no prompt); refreshing it changes nothing the user cares about.
  const { entry } = await currentLogin(ctx, options);
  const secrets = secretInput(ctx, options);
  const previousPassword = await secrets.password();
  const proposedPassword = await secrets.newPassword("changing the password needs the new one");
  const api = await cognitoApi(ctx, entry.region);
  await explained(() => api.changePassword({ accessToken: entry.accessToken, previousPassword, proposedPassword }), {
    flow: "change",
    username: entry.username,
  });
  return {
    data: { username: entry.username, clientId: entry.clientId, passwordChanged: true },
    text: `changed the password of ${entry.username}; the cached tokens stay valid`,
  };
}
