import { clientSecretFlag, selectFlags } from "../../../lib/cognito/flags.js";
import { preferenceFor, type MfaKind } from "../../../lib/cognito/mfa.js";
import { currentLogin } from "../../../lib/cognito/session.js";
import { checkSelector, cognitoApi, explained } from "../../../lib/cognito/shared.js";
import { arg, defineCommand, type ArgsOf, type OptionsOf } from "../../../lib/command.js";
import type { CommandResult, Context } from "../../../lib/context.js";
import { UsageError } from "../../../lib/errors.js";
import { clipValue } from "../../../lib/terminal.js";

const flags = {
  ...selectFlags(),
  clientSecret: clientSecretFlag("the app client's secret, if an expired login must be refreshed"),
};
const args = { kind: arg("<kind>", "totp (the authenticator app) or sms", parseKind) };

export default defineCommand({
  options: flags,
  args,
  help: `SetUserMFAPreference: enables that kind and makes it the one logins ask for. totp needs an enrolled app (awsblog cognito mfa setup); sms a verified phone number.
JSON: {username, clientId, mfa: "totp"|"sms", preferred: true}.`,
  examples: ["awsblog cognito mfa prefer totp", "awsblog cognito mfa prefer sms --username jdoe"],
  run: prefer,
});

function parseKind(value: string): MfaKind {
  if (value === "totp" || value === "sms") return value;
  throw new UsageError(`<kind> "${clipValue(value)}" is not totp or sms`, "e.g. awsblog cognito mfa prefer totp");
}

async function prefer(options: OptionsOf<typeof flags>, ctx: Context, { kind }: ArgsOf<typeof args>): Promise<CommandResult> {
  checkSelector(options);
  const { entry } = await currentLogin(ctx, options);
  const api = await cognitoApi(ctx, entry.region);
  await explained(() => api.setUserMfaPreference({ accessToken: entry.accessToken, ...preferenceFor(kind) }), { username: entry.username });
  return {
    data: { username: entry.username, clientId: entry.clientId, mfa: kind, preferred: true },
    text: `${kind === "totp" ? "the authenticator app" : "SMS"} is now the preferred MFA of ${entry.username}`,
  };
}
