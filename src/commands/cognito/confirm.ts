import { clientIdFlag, clientSecretFlag, usernameFlag } from "../../lib/cognito/flags.js";
import { maybeSecretHash } from "../../lib/cognito/secret-hash.js";
import { checkValue, clientSecretOf, cognitoApi, explained } from "../../lib/cognito/shared.js";
import { defineCommand, opt, required, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";

const flags = {
  clientId: clientIdFlag(),
  username: usernameFlag(),
  code: required(opt.string("--code <c>", "confirmation code"), "pass the code Cognito sent: --code <c>"),
  clientSecret: clientSecretFlag(),
};

export default defineCommand({
  options: flags,
  examples: [`awsblog cognito confirm --client-id "$CLIENT_ID" --username jdoe --code 123456`],
  run: confirm,
});

/** ConfirmSignUp with the emailed/texted code. */
async function confirm(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  const clientId = checkValue(options.clientId, "--client-id");
  const username = checkValue(options.username, "--username");
  const code = checkValue(options.code, "--code");
  const api = await cognitoApi(ctx);
  const clientSecret = clientSecretOf(options, ctx);
  await explained(
    () => api.confirmSignUp({ clientId, username, code: code.trim(), secretHash: maybeSecretHash(clientSecret, username, clientId) }),
    { username, hasSecret: Boolean(clientSecret) },
  );
  return { data: { username, confirmed: true }, text: `confirmed ${username}: log in with awsblog cognito login` };
}
