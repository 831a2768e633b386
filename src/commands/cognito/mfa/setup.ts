import { clientSecretFlag, selectFlags } from "../../../lib/cognito/flags.js";
import { enrolTotp, preferenceFor } from "../../../lib/cognito/mfa.js";
import { canReadTotpCode, totpCodeReader, totpPresenter } from "../../../lib/cognito/mfa-terminal.js";
import { currentLogin } from "../../../lib/cognito/session.js";
import { checkSelector, cognitoApi, explained } from "../../../lib/cognito/shared.js";
import { defineCommand, opt, type OptionsOf } from "../../../lib/command.js";
import type { CommandResult, Context } from "../../../lib/context.js";
import { UsageError } from "../../../lib/errors.js";
import { clipValue } from "../../../lib/terminal.js";

const flags = {
  ...selectFlags(),
  issuer: opt.string("--issuer <name>", "the name the app lists the entry under (default: the user pool id)"),
  deviceName: opt.string("--device-name <name>", "a name for this authenticator in Cognito (FriendlyDeviceName)"),
  codeStdin: opt.flag("--code-stdin", "read the app's first code from a line of stdin, sent after the key URI appears on stderr (scripts); else a prompt"),
  clientSecret: clientSecretFlag("the app client's secret, if an expired login must be refreshed"),
};

export default defineCommand({
  options: flags,
  help: `Enrols an authenticator app for the cached login: AssociateSoftwareToken, then the key URI (otpauth://totp/…, on stderr; a QR code too on a terminal), then the app's first code, VerifySoftwareToken, and SetUserMFAPreference (authenticator enabled and preferred).
Needs a terminal for the code, or --code-stdin. JSON: {username, clientId, mfa: "totp", preferred: true}.
A pool that requires MFA asks for this during \`awsblog cognito login\` (MFA_SETUP): run login on a terminal.`,
  examples: ["awsblog cognito mfa setup", "awsblog cognito mfa setup --issuer 'Example Blog' --device-name phone"],
  run: setup,
});

async function setup(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  checkSelector(options);
  const issuer = checkName(options.issuer, "--issuer");
  const deviceName = checkName(options.deviceName, "--device-name");
  if (!canReadTotpCode(ctx, Boolean(options.codeStdin))) {
    throw new UsageError("mfa setup needs the authenticator's first code and stdin is not a terminal", "run it on a terminal, or pass --code-stdin and send the code as a line");
  }
  const { entry } = await currentLogin(ctx, options);
  const api = await cognitoApi(ctx, entry.region);
  await explained(
    () =>
      enrolTotp(api, {
        accessToken: entry.accessToken,
        issuer: issuer ?? entry.userPoolId ?? "AWSCognito",
        account: entry.username,
        deviceName,
        present: totpPresenter(ctx),
        code: totpCodeReader(ctx, Boolean(options.codeStdin)),
      }),
    { flow: "mfa-setup", username: entry.username },
  );
  await explained(() => api.setUserMfaPreference({ accessToken: entry.accessToken, ...preferenceFor("totp") }), { username: entry.username });
  return {
    data: { username: entry.username, clientId: entry.clientId, mfa: "totp", preferred: true },
    text: `the authenticator app is set up for ${entry.username} and preferred: logins now ask for its code`,
  };
}

/** Issuer and device names: shown by apps and Cognito; no ':' in an issuer (the URI's label separator). */
function checkName(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "" || [...value].length > 64 || /[\p{Cc}]/u.test(value) || (flag === "--issuer" && value.includes(":"))) {
    throw new UsageError(`${flag} "${clipValue(value)}" is not usable`, `pass 1–64 printable characters${flag === "--issuer" ? " without ':'" : ""}`);
  }
  return value;
}
