import type { CognitoApi, MfaSetting } from "../aws/cognito.js";
import { FailureError } from "../errors.js";

/**
 * Enrolling an authenticator app (TOTP): AssociateSoftwareToken gives the shared secret, the
 * user adds it to their app (an otpauth:// URI, shown as a QR code on a terminal), the app's
 * first code proves it, VerifySoftwareToken accepts it. Works with a logged-in user's access
 * token, or inside a login with the session of Cognito's MFA_SETUP challenge.
 */
export interface TotpEnrolment {
  /** A logged-in user's access token, or… */
  accessToken?: string;
  /** …the session of an MFA_SETUP challenge (renewed by each call). */
  session?: string;
  /** The name the app lists the entry under (the pool id by default). */
  issuer: string;
  /** The user, as the app shows it. */
  account: string;
  deviceName?: string;
  /** Shows the URI (and a QR code where it can). */
  present(uri: string): Promise<void>;
  /** The first code from the app. */
  code(): Promise<string>;
}

/** Google Authenticator's key URI format; Cognito's secrets are base32 already. */
export function otpauthUri(issuer: string, account: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}

/** Returns the session Cognito renewed (for RespondToAuthChallenge MFA_SETUP inside a login). */
export async function enrolTotp(api: CognitoApi, enrolment: TotpEnrolment): Promise<{ session?: string }> {
  const associated = await api.associateSoftwareToken({ accessToken: enrolment.accessToken, session: enrolment.session });
  await enrolment.present(otpauthUri(enrolment.issuer, enrolment.account, associated.secretCode));
  const code = await enrolment.code();
  const verified = await api.verifySoftwareToken({
    accessToken: enrolment.accessToken,
    session: associated.session ?? enrolment.session,
    code,
    deviceName: enrolment.deviceName,
  });
  if (verified.status !== undefined && verified.status !== "SUCCESS") {
    throw new FailureError(`Cognito did not accept the authenticator code (status ${verified.status})`, "run the setup again and enter the current code");
  }
  return { session: verified.session };
}

export type MfaKind = "totp" | "sms";

/** What `mfa prefer` and `mfa off` send: a preferred kind stays enabled; off turns both off. */
export function preferenceFor(choice: MfaKind | "off"): { totp?: MfaSetting; sms?: MfaSetting } {
  if (choice === "off") return { totp: { enabled: false, preferred: false }, sms: { enabled: false, preferred: false } };
  const preferred = { enabled: true, preferred: true };
  return choice === "totp" ? { totp: preferred } : { sms: preferred };
}

/** `MFAS_CAN_SETUP` as Cognito sends it (a JSON list in a string), or as a list. */
export function canSetUpTotp(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  const text = Array.isArray(value) ? value.join(",") : String(value);
  return text.includes("SOFTWARE_TOKEN_MFA");
}
