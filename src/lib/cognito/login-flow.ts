import type { AuthStep, AuthTokens, CognitoApi } from "../aws/cognito.js";
import { FailureError, UsageError } from "../errors.js";
import { canSetUpTotp } from "./mfa.js";
import { maybeSecretHash } from "./secret-hash.js";
import type { SecretInput } from "./secret-input.js";
import { createSrpClient, type PasswordVerifierChallenge, type SrpDeps } from "./srp.js";

/**
 * The login conversation with Cognito: InitiateAuth, then one RespondToAuthChallenge per
 * challenge until tokens arrive. Each step carries SECRET_HASH (when the client has a secret)
 * computed for the username Cognito expects at that step: the typed name for InitiateAuth, then
 * USER_ID_FOR_SRP / the challenge's USERNAME, which can differ (email-as-username pools).
 */
export type LoginFlow = "srp" | "password";

export interface LoginRequest {
  clientId: string;
  username: string;
  userPoolId?: string;
  flow: LoginFlow;
  clientSecret?: string;
  password: string;
  mfaCode?: string;
  secrets: Pick<SecretInput, "newPassword" | "code">;
  srp?: SrpDeps;
  /**
   * Answers MFA_SETUP by enrolling an authenticator app with the challenge's session (given
   * only when the code can be asked for); returns the session VerifySoftwareToken renewed.
   */
  setupTotp?: (session: string | undefined, username: string) => Promise<string | undefined>;
  /** The command to run on a terminal when MFA_SETUP comes and setupTotp is not given. */
  mfaSetupCommand?: string;
}

export interface LoginOutcome {
  tokens: AuthTokens & { idToken: string; accessToken: string };
  /** The username Cognito used last; refreshing with a secret hashes this one. */
  challengeUsername: string;
  challenges: string[];
}

const MAX_ROUNDS = 6;

export async function runLogin(api: CognitoApi, req: LoginRequest): Promise<LoginOutcome> {
  const withHash = (params: Record<string, string>, username: string) => {
    const hash = maybeSecretHash(req.clientSecret, username, req.clientId);
    return hash ? { ...params, SECRET_HASH: hash } : params;
  };
  let current = req.username;
  let srp: ReturnType<typeof createSrpClient> | undefined;
  let step: AuthStep;
  if (req.flow === "srp") {
    if (!req.userPoolId) throw new UsageError("--flow srp needs --user-pool-id", "pass --user-pool-id <region_id>, or use --flow password");
    srp = createSrpClient(req.userPoolId, req.srp);
    step = await api.initiateAuth({
      clientId: req.clientId,
      authFlow: "USER_SRP_AUTH",
      parameters: withHash({ USERNAME: req.username, SRP_A: srp.srpA }, req.username),
    });
  } else {
    step = await api.initiateAuth({
      clientId: req.clientId,
      authFlow: "USER_PASSWORD_AUTH",
      parameters: withHash({ USERNAME: req.username, PASSWORD: req.password }, req.username),
    });
  }

  const challenges: string[] = [];
  for (let round = 0; !step.tokens; round++) {
    const name = step.challengeName;
    if (!name) throw new FailureError("Cognito returned neither tokens nor a challenge", "retry; if it persists, check the app client settings");
    if (round >= MAX_ROUNDS) throw new FailureError(`Cognito kept asking for challenges (last: ${name})`, "check the user's MFA settings");
    challenges.push(name);
    const params = step.challengeParameters;
    current = params.USER_ID_FOR_SRP ?? params.USERNAME ?? current;
    if (name === "MFA_SETUP") {
      const session = await setUpMfa(params, step.session, current, req);
      step = await api.respondToAuthChallenge({ clientId: req.clientId, challengeName: name, session, responses: withHash({ USERNAME: current }, current) });
      continue;
    }
    const responses = await answer(name, params, current, req, srp);
    current = responses.USERNAME ?? current;
    step = await api.respondToAuthChallenge({
      clientId: req.clientId,
      challengeName: name,
      session: step.session,
      responses: withHash(responses, current),
    });
  }
  const { idToken, accessToken } = step.tokens;
  if (!idToken || !accessToken) throw new FailureError("Cognito returned no ID or access token", "check the app client's token settings");
  return { tokens: { ...step.tokens, idToken, accessToken }, challengeUsername: current, challenges };
}

/** MFA_SETUP: enrol an authenticator app now, or say exactly what to run where it can be done. */
async function setUpMfa(params: Record<string, unknown>, session: string | undefined, username: string, req: LoginRequest): Promise<string | undefined> {
  if (!canSetUpTotp(params.MFAS_CAN_SETUP)) {
    throw new FailureError(
      `Cognito requires ${req.username} to set up SMS MFA before logging in (MFA_SETUP), which awsblog cannot enrol`,
      "add a verified phone number to the user (your app or an administrator), or allow authenticator apps in the pool",
    );
  }
  if (!req.setupTotp) {
    throw new FailureError(
      `Cognito requires ${req.username} to set up an authenticator app before logging in (MFA_SETUP)`,
      `run on a terminal: ${req.mfaSetupCommand ?? "awsblog cognito login …"} (it shows a QR code and asks for the app's first code)`,
    );
  }
  return req.setupTotp(session, username);
}

async function answer(
  name: string,
  params: Record<string, string>,
  username: string,
  req: LoginRequest,
  srp: ReturnType<typeof createSrpClient> | undefined,
): Promise<Record<string, string>> {
  switch (name) {
    case "PASSWORD_VERIFIER": {
      if (!srp) throw new FailureError("Cognito sent PASSWORD_VERIFIER to a password login", "use --flow srp");
      for (const key of ["USER_ID_FOR_SRP", "SRP_B", "SALT", "SECRET_BLOCK"]) {
        if (!params[key]) throw new FailureError(`Cognito's PASSWORD_VERIFIER challenge lacks ${key}`, "retry the login");
      }
      try {
        return { ...srp.answer(params as unknown as PasswordVerifierChallenge, req.password) };
      } catch (error) {
        // Values no real Cognito sends (B ≡ 0 mod N, non-hex): refuse, and say so in one line.
        throw new FailureError(
          `Cognito's PASSWORD_VERIFIER challenge could not be answered (${(error as Error).message})`,
          "retry the login; if it persists, check that --endpoint-url (if any) points at Cognito",
          { cause: error },
        );
      }
    }
    case "SMS_MFA": {
      const where = params.CODE_DELIVERY_DESTINATION ? ` sent to ${params.CODE_DELIVERY_DESTINATION}` : "";
      return { USERNAME: username, SMS_MFA_CODE: await req.secrets.code(`SMS code${where}`, req.mfaCode, "--mfa-code") };
    }
    case "SOFTWARE_TOKEN_MFA":
      return { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: await req.secrets.code("Authenticator app code", req.mfaCode, "--mfa-code") };
    case "SELECT_MFA_TYPE": {
      // The user has both kinds; an authenticator code works offline, so prefer it.
      const choices = parseList(params.MFAS_CAN_CHOOSE);
      const pick = choices.includes("SOFTWARE_TOKEN_MFA") || choices.length === 0 ? "SOFTWARE_TOKEN_MFA" : "SMS_MFA";
      return { USERNAME: username, ANSWER: pick };
    }
    case "NEW_PASSWORD_REQUIRED": {
      const required = parseList(params.requiredAttributes);
      if (required.length > 0) {
        throw new FailureError(
          `Cognito requires a new password and these attributes: ${required.join(", ")}`,
          "set the attributes with your app or an administrator (AdminUpdateUserAttributes), then log in again",
        );
      }
      return { USERNAME: username, NEW_PASSWORD: await req.secrets.newPassword() };
    }
    default:
      throw new FailureError(`Cognito asked for the ${name} challenge, which awsblog does not answer`, unsupportedHint(name));
  }
}

function unsupportedHint(name: string): string {
  if (name === "CUSTOM_CHALLENGE") return "this pool uses custom authentication (Lambda triggers): log in with your app";
  if (name.startsWith("DEVICE_")) return "device tracking challenges are not supported: turn off device remembering for this client";
  return "log in with your app, or ask for support of this challenge";
}

function parseList(value: string | undefined): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return value.split(",").map((s) => s.trim()).filter(Boolean);
  }
}
