import type { CognitoIdentityApi } from "../aws/cognito-identity.js";
import type { SamlStsApi, TemporaryCredentials } from "../aws/sts-saml.js";
import { AwsError, UsageError } from "../errors.js";
import type { SamlRole } from "./roles.js";
import { clipValue } from "../terminal.js";

/** The assertion's SessionDuration, else an hour — what the AWS console does. */
export const DEFAULT_DURATION = 3600;
/** When the role's MaxSessionDuration is lower than asked: the steps AWS always allows. */
const STEP_DOWN = [3600, 900];

export interface Exchanged {
  role: SamlRole;
  credentials: TemporaryCredentials;
  /** The duration AWS granted (after stepping down). */
  durationSeconds: number;
  requestedSeconds: number;
  subject?: string;
  /** Cognito identity pools: the identity GetId returned. */
  identityId?: string;
}

/**
 * AssumeRoleWithSAML for one role. A role's MaxSessionDuration is invisible from here; when
 * AWS says the request exceeds it, ask again for an hour, then 15 minutes.
 */
export async function assumeWithSaml(sts: SamlStsApi, role: SamlRole, samlAssertion: string, requested: number): Promise<Exchanged> {
  let duration = requested;
  for (;;) {
    try {
      const out = await sts.assumeRoleWithSaml({ roleArn: role.roleArn, principalArn: role.principalArn, samlAssertion, durationSeconds: duration });
      return { role, credentials: out.credentials, durationSeconds: duration, requestedSeconds: requested, subject: out.subject };
    } catch (error) {
      const next = STEP_DOWN.find((step) => step < duration);
      if (isDurationTooLong(error) && next !== undefined) {
        duration = next;
        continue;
      }
      throw explainStsError(error, role);
    }
  }
}

export function isDurationTooLong(error: unknown): boolean {
  return error instanceof AwsError && error.code === "ValidationError" && /DurationSeconds exceeds the (?:MaxSessionDuration|\d+ hour)/i.test(error.message);
}

const STS_HINTS: Record<string, string> = {
  ExpiredTokenException: "the assertion expired on its way to AWS; sign in to the IdP again",
  InvalidIdentityToken: "AWS could not validate the assertion against the SAML provider: update the provider's metadata in IAM with the IdP's current signing certificate",
  IDPRejectedClaim: "the IdP rejected the claim; sign in again",
  AccessDenied: "the role's trust policy does not allow sts:AssumeRoleWithSAML for this SAML provider (check its Principal and SAML:aud condition)",
  AccessDeniedException: "the role's trust policy does not allow sts:AssumeRoleWithSAML for this SAML provider (check its Principal and SAML:aud condition)",
  RegionDisabledException: "STS is not activated in this region: pass --region us-east-1 or activate it in IAM account settings",
};

function explainStsError(error: unknown, role: SamlRole): unknown {
  if (!(error instanceof AwsError)) return error;
  // The SDK names modelled errors after their shape (InvalidIdentityTokenException).
  const hint = STS_HINTS[error.code] ?? STS_HINTS[error.code.replace(/Exception$/, "")];
  if (!hint) return error;
  const detail = /\((.*)\)$/.exec(error.message)?.[1] ?? role.roleArn;
  return new AwsError(error.service, error.operation, error.code, detail, hint, { cause: error });
}

/** Part I: the identity pool turns the SAMLResponse into credentials for the chosen role. */
export async function exchangeWithIdentityPool(
  api: CognitoIdentityApi,
  identityPoolId: string,
  role: SamlRole,
  samlAssertion: string,
  now: Date,
): Promise<Exchanged> {
  const logins = { [role.principalArn]: samlAssertion };
  try {
    const identityId = await api.getId({ identityPoolId, logins });
    const credentials = await api.getCredentialsForIdentity({ identityId, logins, customRoleArn: role.roleArn });
    const seconds = Math.round((credentials.expiration.getTime() - now.getTime()) / 1000);
    return { role, credentials, durationSeconds: seconds > 0 ? seconds : DEFAULT_DURATION, requestedSeconds: DEFAULT_DURATION, identityId };
  } catch (error) {
    if (error instanceof AwsError && error.code === "NotAuthorizedException") {
      return Promise.reject(
        new AwsError(error.service, error.operation, error.code, /\((.*)\)$/.exec(error.message)?.[1] ?? "", "add the SAML provider to the identity pool's authentication providers, and allow the role in its role mapping", {
          cause: error,
        }),
      );
    }
    throw error;
  }
}

/** `eu-west-1:1f2e…` → `eu-west-1`; anything else is a usage error. */
export function identityPoolRegion(id: string): string {
  const match = /^([a-z]{2}(?:-[a-z]+)+-\d):[0-9a-f-]{36}$/.exec(id);
  if (!match) {
    throw new UsageError(`--identity-pool-id "${clipValue(id, 80)}" is not an identity pool id`, "pass it as <region>:<uuid>, e.g. us-east-1:0c4e2f3a-…");
  }
  return match[1]!;
}
