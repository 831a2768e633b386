import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from "@aws-sdk/client-cognito-identity";
import { FailureError } from "../errors.js";
import type { AwsClientFactory } from "./factory.js";
import { NOT_AN_AWS_ANSWER, pinNoAuth, type TemporaryCredentials } from "./sts-saml.js";

/**
 * Part I's exchange: a Cognito identity pool trusts the SAML provider; GetId and
 * GetCredentialsForIdentity take the SAMLResponse as a login and are unauthenticated calls
 * (sent unsigned, like AssumeRoleWithSAML).
 */
export interface CognitoIdentityApi {
  getId(input: { identityPoolId: string; logins: Record<string, string> }): Promise<string>;
  getCredentialsForIdentity(input: { identityId: string; logins: Record<string, string>; customRoleArn?: string }): Promise<TemporaryCredentials>;
}

/** The pool id names its region (`eu-west-1:…`); an explicit --region wins. */
export async function createCognitoIdentityApi(aws: AwsClientFactory, run: { signal: AbortSignal; env: NodeJS.ProcessEnv }, poolRegion?: string): Promise<CognitoIdentityApi> {
  const client = await aws.client(CognitoIdentityClient, { resourceRegion: poolRegion });
  pinNoAuth(client);
  // The factory bounds each call (--cli-read-timeout); Ctrl-C abandons it (nothing is written before it answers).
  const send = <T>(_what: string, call: (abortSignal: AbortSignal) => Promise<T>) => call(run.signal);
  return {
    async getId({ identityPoolId, logins }) {
      const out = await send("GetId", (abortSignal) => client.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }), { abortSignal }));
      if (!out.IdentityId) throw new Error("Cognito Identity GetId returned no IdentityId");
      return out.IdentityId;
    },
    async getCredentialsForIdentity({ identityId, logins, customRoleArn }) {
      const out = await send("GetCredentialsForIdentity", (abortSignal) =>
        client.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: logins, CustomRoleArn: customRoleArn }), { abortSignal }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretKey || !c.SessionToken || !c.Expiration) {
        throw new FailureError("Cognito Identity GetCredentialsForIdentity answered without credentials", NOT_AN_AWS_ANSWER);
      }
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
    },
  };
}
