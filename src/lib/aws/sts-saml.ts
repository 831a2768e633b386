import { AssumeRoleWithSAMLCommand, STSClient } from "@aws-sdk/client-sts";
import { FailureError, UsageError } from "../errors.js";
import type { AwsClientFactory } from "./factory.js";

/** An answer that parsed but holds nothing (an HTML page from a proxy read as empty XML). */
export const NOT_AN_AWS_ANSWER = "check --endpoint-url and any proxy: what answered is not AWS";

/**
 * STS AssumeRoleWithSAML: the SAML assertion is the credential, so the request is sent
 * unsigned. The SDK's model already says so (auth `smithy.api#noAuth` first); we pin it so
 * that stale keys in ~/.aws/credentials, or none at all, can never matter — no credential
 * provider is ever asked.
 */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AssumedRole {
  credentials: TemporaryCredentials;
  subject?: string;
  assumedRoleArn?: string;
}

export interface SamlStsApi {
  assumeRoleWithSaml(input: { roleArn: string; principalArn: string; samlAssertion: string; durationSeconds: number }): Promise<AssumedRole>;
}

/** A SAML sign-in has no region of its own; STS answers in every region. */
export const FALLBACK_REGION = "us-east-1";

/** The factory bounds the call (--cli-read-timeout) and abandons it on Ctrl-C: nothing is written before it answers. */
export async function createSamlStsApi(aws: AwsClientFactory, run: { signal: AbortSignal; env: NodeJS.ProcessEnv }): Promise<SamlStsApi> {
  let client: STSClient;
  try {
    client = await aws.client(STSClient);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    client = await aws.client(STSClient, { region: FALLBACK_REGION });
  }
  pinNoAuth(client);
  return {
    async assumeRoleWithSaml(input) {
      const command = new AssumeRoleWithSAMLCommand({
        RoleArn: input.roleArn,
        PrincipalArn: input.principalArn,
        SAMLAssertion: input.samlAssertion,
        DurationSeconds: input.durationSeconds,
      });
      const out = await client.send(command, { abortSignal: run.signal });
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new FailureError("STS AssumeRoleWithSAML answered without credentials", NOT_AN_AWS_ANSWER);
      }
      return {
        credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) },
        subject: out.Subject,
        assumedRoleArn: out.AssumedRoleUser?.Arn,
      };
    },
  };
}

/** Only the no-auth scheme: the auth middleware then never resolves or uses credentials. */
export function pinNoAuth(client: { config: object }): void {
  (client.config as { httpAuthSchemeProvider: unknown }).httpAuthSchemeProvider = () => [{ schemeId: "smithy.api#noAuth" }];
}
