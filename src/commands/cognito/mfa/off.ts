import { clientSecretFlag, selectFlags } from "../../../lib/cognito/flags.js";
import { preferenceFor } from "../../../lib/cognito/mfa.js";
import { currentLogin } from "../../../lib/cognito/session.js";
import { checkSelector, cognitoApi, explained } from "../../../lib/cognito/shared.js";
import { defineCommand, type OptionsOf } from "../../../lib/command.js";
import type { CommandResult, Context } from "../../../lib/context.js";

const flags = {
  ...selectFlags(),
  clientSecret: clientSecretFlag("the app client's secret, if an expired login must be refreshed"),
};

export default defineCommand({
  options: flags,
  help: `SetUserMFAPreference with both the authenticator app and SMS disabled, for the cached login.
A pool that requires MFA keeps asking for it. JSON: {username, clientId, mfa: "off"}.`,
  examples: ["awsblog cognito mfa off --username jdoe"],
  run: off,
});

async function off(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  checkSelector(options);
  const { entry } = await currentLogin(ctx, options);
  const api = await cognitoApi(ctx, entry.region);
  await explained(() => api.setUserMfaPreference({ accessToken: entry.accessToken, ...preferenceFor("off") }), { username: entry.username });
  return { data: { username: entry.username, clientId: entry.clientId, mfa: "off" }, text: `MFA is off for ${entry.username}` };
}
