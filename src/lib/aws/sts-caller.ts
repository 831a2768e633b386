import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsClientFactory } from "./factory.js";

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** The STS calls an org run makes (identity, AssumeRole), narrow so tests can hand in their own. SAML sign-in has its own (sts.ts). */
export interface CallerStsApi {
  callerIdentity(signal?: AbortSignal): Promise<{ account: string; arn: string }>;
  /** The region the run resolved (flag, env or profile). */
  region(): Promise<string>;
  assumeRole(roleArn: string, sessionName: string, signal?: AbortSignal): Promise<AssumedCredentials>;
}

export async function createCallerStsApi(aws: AwsClientFactory): Promise<CallerStsApi> {
  const client = await aws.client(STSClient);
  return {
    async callerIdentity(signal) {
      const out = await client.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
      return { account: out.Account ?? "", arn: out.Arn ?? "" };
    },
    async region() {
      return String(await (client.config.region as () => Promise<string>)());
    },
    async assumeRole(roleArn, sessionName, signal) {
      const out = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }), { abortSignal: signal });
      const c = out.Credentials;
      return {
        accessKeyId: c?.AccessKeyId ?? "",
        secretAccessKey: c?.SecretAccessKey ?? "",
        sessionToken: c?.SessionToken ?? "",
        expiration: c?.Expiration ?? new Date(Date.now() + 3_600_000),
      };
    },
  };
}
