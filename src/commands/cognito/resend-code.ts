import { deliveryText } from "../../lib/cognito/delivery.js";
import { clientUserFlags } from "../../lib/cognito/flags.js";
import { maybeSecretHash } from "../../lib/cognito/secret-hash.js";
import { checkValue, clientSecretOf, cognitoApi, explained } from "../../lib/cognito/shared.js";
import { defineCommand, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";

const flags = clientUserFlags();

export default defineCommand({
  options: flags,
  examples: [`awsblog cognito resend-code --client-id "$CLIENT_ID" --username jdoe`],
  run: resendCode,
});

/** ResendConfirmationCode: a new code by the pool's delivery medium. */
async function resendCode(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  const clientId = checkValue(options.clientId, "--client-id");
  const username = checkValue(options.username, "--username");
  const api = await cognitoApi(ctx);
  const clientSecret = clientSecretOf(options, ctx);
  const delivery = await explained(
    () => api.resendConfirmationCode({ clientId, username, secretHash: maybeSecretHash(clientSecret, username, clientId) }),
    { username, hasSecret: Boolean(clientSecret) },
  );
  return { data: { username, codeDelivery: delivery }, text: `a new confirmation code is on its way${deliveryText(delivery)}` };
}
