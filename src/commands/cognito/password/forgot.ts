import { deliveryText } from "../../../lib/cognito/delivery.js";
import { clientUserFlags } from "../../../lib/cognito/flags.js";
import { maybeSecretHash } from "../../../lib/cognito/secret-hash.js";
import { checkValue, clientSecretOf, cognitoApi, explained } from "../../../lib/cognito/shared.js";
import { defineCommand, type OptionsOf } from "../../../lib/command.js";
import type { CommandResult, Context } from "../../../lib/context.js";

const flags = clientUserFlags();

export default defineCommand({
  options: flags,
  help: `Cognito mails or texts a code (the pool's account recovery setting picks which); set the new password with \`awsblog cognito password confirm\`. JSON: {username, codeDelivery}.`,
  examples: [`awsblog cognito password forgot --client-id "$CLIENT_ID" --username jdoe`],
  run: forgot,
});

/** ForgotPassword: Cognito sends a reset code. */
async function forgot(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  const clientId = checkValue(options.clientId, "--client-id");
  const username = checkValue(options.username, "--username");
  const clientSecret = clientSecretOf(options, ctx);
  const api = await cognitoApi(ctx);
  const codeDelivery = await explained(() => api.forgotPassword({ clientId, username, secretHash: maybeSecretHash(clientSecret, username, clientId) }), {
    flow: "forgot",
    username,
    hasSecret: Boolean(clientSecret),
  });
  return {
    data: { username, codeDelivery: codeDelivery ?? null },
    text: `a password reset code is on its way${deliveryText(codeDelivery)}\nthen: awsblog cognito password confirm --client-id ${clientId} --username ${username} --code <code>`,
  };
}
