import {
  AssociateSoftwareTokenCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { AwsClientFactory } from "./factory.js";

/**
 * The Cognito user pool calls awsblog makes: the public, unauthenticated client API (no IAM
 * credentials are needed by Cognito for these, the SDK signs anyway). Narrow so tests can fake it.
 */
export interface CodeDelivery {
  destination?: string;
  deliveryMedium?: string;
  attributeName?: string;
}

export interface AuthTokens {
  idToken?: string;
  accessToken?: string;
  refreshToken?: string;
  expiresIn?: number;
}

export interface AuthStep {
  challengeName?: string;
  challengeParameters: Record<string, string>;
  session?: string;
  tokens?: AuthTokens;
}

export interface CognitoApi {
  signUp(input: {
    clientId: string;
    username: string;
    password: string;
    attributes: { Name: string; Value: string }[];
    secretHash?: string;
  }): Promise<{ userConfirmed: boolean; userSub?: string; delivery?: CodeDelivery }>;
  confirmSignUp(input: { clientId: string; username: string; code: string; secretHash?: string }): Promise<void>;
  resendConfirmationCode(input: { clientId: string; username: string; secretHash?: string }): Promise<CodeDelivery | undefined>;
  initiateAuth(input: { clientId: string; authFlow: string; parameters: Record<string, string> }): Promise<AuthStep>;
  respondToAuthChallenge(input: {
    clientId: string;
    challengeName: string;
    session?: string;
    responses: Record<string, string>;
  }): Promise<AuthStep>;
  globalSignOut(accessToken: string): Promise<void>;
  forgotPassword(input: { clientId: string; username: string; secretHash?: string }): Promise<CodeDelivery | undefined>;
  confirmForgotPassword(input: { clientId: string; username: string; code: string; password: string; secretHash?: string }): Promise<void>;
  changePassword(input: { accessToken: string; previousPassword: string; proposedPassword: string }): Promise<void>;
  /** With the access token (a logged-in user) or the session of an MFA_SETUP challenge; the session comes back renewed. */
  associateSoftwareToken(input: { accessToken?: string; session?: string }): Promise<{ secretCode: string; session?: string }>;
  verifySoftwareToken(input: { accessToken?: string; session?: string; code: string; deviceName?: string }): Promise<{ status?: string; session?: string }>;
  setUserMfaPreference(input: { accessToken: string; totp?: MfaSetting; sms?: MfaSetting }): Promise<void>;
}

export interface MfaSetting {
  enabled: boolean;
  preferred: boolean;
}

/**
 * A user pool lives in one region, named by its id's prefix. An explicit --region wins;
 * otherwise the pool's region is used, otherwise the standard chain.
 */
export async function createCognitoApi(aws: AwsClientFactory, run: { signal: AbortSignal }, poolRegion?: string): Promise<CognitoApi> {
  const client = await aws.client(CognitoIdentityProviderClient, { resourceRegion: poolRegion });
  const opts = { abortSignal: run.signal };
  const step = (out: {
    ChallengeName?: string;
    ChallengeParameters?: Record<string, string>;
    Session?: string;
    AuthenticationResult?: { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number };
  }): AuthStep => ({
    challengeName: out.ChallengeName,
    challengeParameters: out.ChallengeParameters ?? {},
    session: out.Session,
    tokens: out.AuthenticationResult && {
      idToken: out.AuthenticationResult.IdToken,
      accessToken: out.AuthenticationResult.AccessToken,
      refreshToken: out.AuthenticationResult.RefreshToken,
      expiresIn: out.AuthenticationResult.ExpiresIn,
    },
  });
  const delivery = (d?: { Destination?: string; DeliveryMedium?: string; AttributeName?: string }): CodeDelivery | undefined =>
    d && { destination: d.Destination, deliveryMedium: d.DeliveryMedium, attributeName: d.AttributeName };

  return {
    async signUp({ clientId, username, password, attributes, secretHash }) {
      const out = await client.send(
        new SignUpCommand({ ClientId: clientId, Username: username, Password: password, UserAttributes: attributes, SecretHash: secretHash }),
        opts,
      );
      return { userConfirmed: Boolean(out.UserConfirmed), userSub: out.UserSub, delivery: delivery(out.CodeDeliveryDetails) };
    },
    async confirmSignUp({ clientId, username, code, secretHash }) {
      await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code, SecretHash: secretHash }), opts);
    },
    async resendConfirmationCode({ clientId, username, secretHash }) {
      const out = await client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: username, SecretHash: secretHash }), opts);
      return delivery(out.CodeDeliveryDetails);
    },
    async initiateAuth({ clientId, authFlow, parameters }) {
      const out = await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: authFlow as never, AuthParameters: parameters }), opts);
      return step(out);
    },
    async respondToAuthChallenge({ clientId, challengeName, session, responses }) {
      const out = await client.send(
        new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: challengeName as never, Session: session, ChallengeResponses: responses }),
        opts,
      );
      return step(out);
    },
    async globalSignOut(accessToken) {
      await client.send(new GlobalSignOutCommand({ AccessToken: accessToken }), opts);
    },
    async forgotPassword({ clientId, username, secretHash }) {
      const out = await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: username, SecretHash: secretHash }), opts);
      return delivery(out.CodeDeliveryDetails);
    },
    async confirmForgotPassword({ clientId, username, code, password, secretHash }) {
      await client.send(
        new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: username, ConfirmationCode: code, Password: password, SecretHash: secretHash }),
        opts,
      );
    },
    async changePassword({ accessToken, previousPassword, proposedPassword }) {
      await client.send(new ChangePasswordCommand({ AccessToken: accessToken, PreviousPassword: previousPassword, ProposedPassword: proposedPassword }), opts);
    },
    async associateSoftwareToken({ accessToken, session }) {
      const out = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken, Session: session }), opts);
      if (!out.SecretCode) throw new Error("Cognito AssociateSoftwareToken returned no SecretCode");
      return { secretCode: out.SecretCode, session: out.Session };
    },
    async verifySoftwareToken({ accessToken, session, code, deviceName }) {
      const out = await client.send(
        new VerifySoftwareTokenCommand({ AccessToken: accessToken, Session: session, UserCode: code, FriendlyDeviceName: deviceName }),
        opts,
      );
      return { status: out.Status, session: out.Session };
    },
    async setUserMfaPreference({ accessToken, totp, sms }) {
      const setting = (s?: MfaSetting) => s && { Enabled: s.enabled, PreferredMfa: s.preferred };
      await client.send(
        new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: setting(totp), SMSMfaSettings: setting(sms) }),
        opts,
      );
    },
  };
}
