import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from "@aws-sdk/client-cognito-identity";
import { timeoutMs, withDeadline } from "../saml/deadline.js";
import type { AwsClientFactory } from "./factory.js";
import { pinNoAuth, type TemporaryCredentials } from "./sts-saml.js";

/**
 * Part I's exchange: a Cognito identity pool trusts the SAML provider; GetId and
 * GetCredentialsForIdentity take the SAMLResponse as a login and are unauthenticated calls
 * (sent unsigned, like AssumeRoleWithSAML).
 */
export interface CognitoIdentityApi {
  getId(input: { identityPoolId: string; logins: Record<string, string> }): Promise<string>;
  getCredentialsForIdentity(input: { identityId: string; logins: Record<string, string>; customRoleArn?: string }): Promise<TemporaryCredentials>;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** The pool id names its region (`eu-west-1:…`); an explicit --region wins. */
export async function createCognitoIdentityApi(aws: AwsClientFactory, run: { signal: AbortSignal; env: NodeJS.ProcessEnv }, poolRegion?: string): Promise<CognitoIdentityApi> {
  const client = await aws.client(CognitoIdentityClient, { resourceRegion: poolRegion, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  pinNoAuth(client);
  const hint = "check your network and --endpoint-url (AWSBLOG_SAML_TIMEOUT sets the limit)";
  const limit = timeoutMs(run.env);
  const send = <T>(what: string, call: (abortSignal: AbortSignal) => Promise<T>) => withDeadline(`Cognito Identity ${what}`, hint, run.signal, limit, call);
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
        throw new Error("Cognito Identity GetCredentialsForIdentity returned no credentials");
      }
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
    },
  };
}
