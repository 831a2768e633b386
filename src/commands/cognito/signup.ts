import type { CodeDelivery } from "../../lib/aws/cognito.js";
import { deliveryText } from "../../lib/cognito/delivery.js";
import { clientIdFlag, clientSecretFlag, PASSWORD_HELP, usernameFlag } from "../../lib/cognito/flags.js";
import { maybeSecretHash } from "../../lib/cognito/secret-hash.js";
import { checkValue, clientSecretOf, cognitoApi, explained, parseAttributes, secretInput } from "../../lib/cognito/shared.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";

const flags = {
  clientId: clientIdFlag(),
  username: usernameFlag("username (or email, in email-as-username pools)"),
  attribute: opt.list("--attribute <Name=Value>", "user attribute, repeatable (email, given_name, phone_number …)"),
  clientSecret: clientSecretFlag(),
  passwordStdin: opt.flag("--password-stdin", PASSWORD_HELP),
};

export default defineCommand({
  options: flags,
  examples: [`awsblog cognito signup --client-id "$CLIENT_ID" --username jdoe --attribute email=jdoe@example.com --attribute given_name=John`],
  run: signup,
});

export interface SignupResult {
  username: string;
  userConfirmed: boolean;
  userSub?: string;
  codeDelivery?: CodeDelivery;
}

/** SignUp with the app client's public API; the password is never taken from argv. */
async function signup(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<SignupResult>> {
  const clientId = checkValue(options.clientId, "--client-id");
  const username = checkValue(options.username, "--username");
  const attributes = parseAttributes(options.attribute);
  const password = await secretInput(ctx, options).accountPassword();
  const api = await cognitoApi(ctx);
  const clientSecret = clientSecretOf(options, ctx);
  const out = await explained(
    () => api.signUp({ clientId, username, password, attributes, secretHash: maybeSecretHash(clientSecret, username, clientId) }),
    { username, hasSecret: Boolean(clientSecret) },
  );
  const data: SignupResult = { username, userConfirmed: out.userConfirmed, userSub: out.userSub, codeDelivery: out.delivery };
  const next = out.userConfirmed
    ? "already confirmed: log in with awsblog cognito login"
    : `confirm with: awsblog cognito confirm --client-id ${clientId} --username ${username} --code <code>${deliveryText(out.delivery)}`;
  return { data, text: `signed up ${username}${out.userSub ? ` (sub ${out.userSub})` : ""}; ${next}` };
}
