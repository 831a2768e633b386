import type { CognitoIdentityApi } from "../aws/cognito-identity.js";
import type { TemporaryCredentials } from "../aws/sts-saml.js";
import { AwsError, FailureError } from "../errors.js";
import type { CachedLogin } from "./token-cache.js";

/**
 * The Amplify pattern: an identity pool trusts the user pool, and a signed-in user's ID token
 * is the login that GetId and GetCredentialsForIdentity take (`Logins` keyed by the user
 * pool's provider name). The identity pool's role mapping picks the role (or `customRoleArn`,
 * when its rules allow the token's role claims).
 */
export function providerName(entry: Pick<CachedLogin, "userPoolId" | "username">): string {
  const pool = entry.userPoolId;
  if (!pool) {
    throw new FailureError(`the cached login of ${entry.username} does not say which user pool it is from`, "log in again with --user-pool-id <id>");
  }
  return `cognito-idp.${pool.split("_")[0]}.amazonaws.com/${pool}`;
}

export interface IdentityCredentials {
  identityId: string;
  credentials: TemporaryCredentials;
}

export async function credentialsForLogin(
  api: CognitoIdentityApi,
  request: { identityPoolId: string; entry: CachedLogin; customRoleArn?: string },
): Promise<IdentityCredentials> {
  const provider = providerName(request.entry);
  const logins = { [provider]: request.entry.idToken };
  try {
    const identityId = await api.getId({ identityPoolId: request.identityPoolId, logins });
    const credentials = await api.getCredentialsForIdentity({ identityId, logins, customRoleArn: request.customRoleArn });
    return { identityId, credentials };
  } catch (error) {
    throw explainIdentityError(error, provider, request.entry.clientId);
  }
}

function explainIdentityError(error: unknown, provider: string, clientId: string): unknown {
  if (!(error instanceof AwsError)) return error;
  const detail = /\((.*)\)$/.exec(error.message)?.[1] ?? "";
  const hint: Record<string, string> = {
    NotAuthorizedException: `add the user pool as an authentication provider of the identity pool (provider ${provider}, app client ${clientId}), and check its role mapping`,
    InvalidIdentityPoolConfigurationException: "the identity pool's role (or role mapping) cannot be assumed: check its trust policy allows cognito-identity.amazonaws.com",
    ResourceNotFoundException: "check --identity-pool-id (its prefix is the region it lives in)",
    ResourceConflictException: "the identity is linked to another login: use that login, or a new identity",
  };
  const text = hint[error.code];
  return text ? new AwsError(error.service, error.operation, error.code, detail, text, { cause: error }) : error;
}
