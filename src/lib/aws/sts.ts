import { AssumeRoleWithSAMLCommand, STSClient } from "@aws-sdk/client-sts";
import type { Context } from "../context.js";
import { FailureError, UsageError } from "../errors.js";

/** An answer that parsed but holds nothing (an HTML page from a proxy read as empty XML). */
export const NOT_AN_AWS_ANSWER = "check --endpoint-url and any proxy: what answered is not AWS";
import { timeoutMs, withDeadline } from "../saml/deadline.js";

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

export interface StsApi {
  assumeRoleWithSaml(input: { roleArn: string; principalArn: string; samlAssertion: string; durationSeconds: number }): Promise<AssumedRole>;
}

/** A SAML sign-in has no region of its own; STS answers in every region. */
export const FALLBACK_REGION = "us-east-1";
const REQUEST_TIMEOUT_MS = 30_000;

export async function createStsApi(ctx: Pick<Context, "aws" | "signal">): Promise<StsApi> {
  // The services host carries no env; the SDK reads process.env too (tests swap it in-process).
  const deadline = timeoutMs(process.env);
  let client: STSClient;
  try {
    client = await ctx.aws.client(STSClient, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    client = await ctx.aws.client(STSClient, { region: FALLBACK_REGION, requestTimeoutMs: REQUEST_TIMEOUT_MS });
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
      const out = await withDeadline("STS AssumeRoleWithSAML", "check your network and --endpoint-url (AWSBLOG_SAML_TIMEOUT sets the limit)", ctx.signal, deadline, (abortSignal) =>
        client.send(command, { abortSignal }),
      );
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
