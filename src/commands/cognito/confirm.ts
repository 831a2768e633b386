import { clientIdFlag, clientSecretFlag, usernameFlag } from "../../lib/cognito/flags.js";
import { maybeSecretHash } from "../../lib/cognito/secret-hash.js";
import { clientSecretOf, cognitoApi, explained, required } from "../../lib/cognito/shared.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";

const flags = {
  clientId: clientIdFlag(),
  username: usernameFlag(),
  code: opt.string("--code <c>", "confirmation code"),
  clientSecret: clientSecretFlag(),
};

export default defineCommand({
  options: flags,
  examples: [`awsblog cognito confirm --client-id "$CLIENT_ID" --username jdoe --code 123456`],
  run: confirm,
});

/** ConfirmSignUp with the emailed/texted code. */
async function confirm(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  const clientId = required(options.clientId, "--client-id <id>", "the app client id");
  const username = required(options.username, "--username <u>", "the username");
  const code = required(options.code, "--code <c>", "the code Cognito sent");
  const api = await cognitoApi(ctx);
  const clientSecret = clientSecretOf(options, ctx);
  await explained(
    () => api.confirmSignUp({ clientId, username, code: code.trim(), secretHash: maybeSecretHash(clientSecret, username, clientId) }),
    { username, hasSecret: Boolean(clientSecret) },
  );
  return { data: { username, confirmed: true }, text: `confirmed ${username}: log in with awsblog cognito login` };
}
