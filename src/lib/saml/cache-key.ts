import { DEFAULT_MIN_REMAINING_MS, parseSpan } from "../span.js";

export { DEFAULT_MIN_REMAINING_MS, parseSpan };

/**
 * What identifies a cached SAML sign-in. Pure, importing only lib/span.ts, on purpose: the credential_process fast path (src/fast/credential-process.ts)
 * computes the same key from argv without loading the CLI, and both must agree.
 */
export interface CacheKeyInput {
  idpUrl?: string;
  listen?: string;
  open?: string;
  username?: string;
  roleArn?: string;
  role?: string[];
  allRoles?: boolean;
  account?: string;
  duration?: number;
  identityPoolId?: string;
  endpointUrl?: string;
  region?: string;
}

/**
 * The key, or undefined when the source is not one the cache serves (a pasted
 * --saml-response is the sign-in's result already: nothing to save).
 */
export function samlCacheKey(input: CacheKeyInput): string | undefined {
  const source = input.idpUrl !== undefined ? `idp-url ${input.idpUrl}` : input.listen !== undefined ? `listen ${input.open ?? ""}` : undefined;
  if (source === undefined) return undefined;
  const choice = input.roleArn !== undefined ? `role-arn ${input.roleArn}` : input.role?.length ? `role ${input.role.join(",")}` : input.allRoles ? "all-roles" : "default";
  return JSON.stringify([
    "saml/1",
    source,
    input.username ?? "",
    choice,
    input.account ?? "",
    input.duration ?? "",
    input.identityPoolId ?? "",
    input.endpointUrl ?? "",
    input.region ?? "",
  ]);
}

/** The credential_process document (the AWS SDKs' "Version 1"). */
export function credentialProcessDocument(c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration: string }): {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
  Expiration: string;
} {
  return { Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration };
}
