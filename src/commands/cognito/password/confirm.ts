import { clientIdFlag, clientSecretFlag, usernameFlag } from "../../../lib/cognito/flags.js";
import { maybeSecretHash } from "../../../lib/cognito/secret-hash.js";
import { checkValue, clientSecretOf, cognitoApi, explained, secretInput } from "../../../lib/cognito/shared.js";
import { defineCommand, opt, required, type OptionsOf } from "../../../lib/command.js";
import type { CommandResult, Context } from "../../../lib/context.js";

const flags = {
  clientId: clientIdFlag(),
  username: usernameFlag(),
  code: required(opt.string("--code <c>", "the reset code Cognito sent (awsblog cognito password forgot)"), "pass the code Cognito sent: --code <c>"),
  newPasswordStdin: opt.flag("--new-password-stdin", "read the new password from stdin's first line (else $AWSBLOG_NEW_PASSWORD, else asked twice without echo)"),
  clientSecret: clientSecretFlag(),
};

export default defineCommand({
  options: flags,
  help: "The new password is never taken from argv. JSON: {username, passwordReset: true}.",
  examples: [
    `awsblog cognito password confirm --client-id "$CLIENT_ID" --username jdoe --code 123456`,
    `printf '%s\\n' "$NEW_PW" | awsblog cognito password confirm --client-id "$CLIENT_ID" --username jdoe --code 123456 --new-password-stdin`,
  ],
  run: confirmReset,
});

/** ConfirmForgotPassword: the code and a new password. */
async function confirmReset(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  const clientId = checkValue(options.clientId, "--client-id");
  const username = checkValue(options.username, "--username");
  const code = checkValue(options.code, "--code").trim();
  const clientSecret = clientSecretOf(options, ctx);
  // The new password is gathered before the first call: a missing one sends nothing.
  const password = await secretInput(ctx, { newPasswordStdin: options.newPasswordStdin }).newPassword("a password reset needs the new password");
  const api = await cognitoApi(ctx);
  await explained(
    () => api.confirmForgotPassword({ clientId, username, code, password, secretHash: maybeSecretHash(clientSecret, username, clientId) }),
    { flow: "forgot", username, hasSecret: Boolean(clientSecret) },
  );
  return { data: { username, passwordReset: true }, text: `the password of ${username} is reset: log in with awsblog cognito login` };
}
