import { AwsError } from "../errors.js";
import { clipValue } from "../terminal.js";

/** How much of Cognito's own message an error line keeps. */
const DETAIL_MAX = 200;

/**
 * Adds what-to-do hints to the Cognito errors users actually hit. Matches on the AWS error code
 * and, where Cognito reuses one code for several causes, on its message.
 */
export interface ErrorContext {
  flow?: string;
  username?: string;
  /** Whether --client-secret was given: a missing secret also shows as NotAuthorizedException. */
  hasSecret?: boolean;
}

/** Errors already explained (an inner step's hint, e.g. MFA setup inside a login, is the better one). */
const explainedErrors = new WeakSet<object>();

export function explainCognitoError(error: unknown, context: ErrorContext = {}): unknown {
  if (!(error instanceof AwsError) || explainedErrors.has(error)) return error;
  const full = ((error.cause as Error | undefined)?.message ?? "").split("\n")[0] ?? "";
  // Cognito's validation messages echo the value sent ("Value '…' at 'clientId' failed …").
  const detail = clipValue(full, DETAIL_MAX);
  const hint = hintFor(error.code, full, context);
  // Cognito's NotAuthorizedException is about the user, not IAM: our hint replaces the generic one.
  if (!hint && detail === full) return error;
  const explained = new AwsError(error.service, error.operation, error.code, detail, hint ?? error.hint, { cause: error.cause ?? error });
  explainedErrors.add(explained);
  return explained;
}

function hintFor(code: string, detail: string, { flow, username, hasSecret }: ErrorContext): string | undefined {
  const user = username ?? "<u>";
  if (/not enabled for (this )?client|flow not enabled|not enabled for the client/i.test(detail)) {
    const allow = flow === "password" ? "ALLOW_USER_PASSWORD_AUTH" : "ALLOW_USER_SRP_AUTH";
    const other = flow === "password" ? "--flow srp" : "--flow password";
    return `this app client does not allow that login flow: add ${allow} to its ExplicitAuthFlows, or try ${other}`;
  }
  if (/secret hash/i.test(detail) || (code === "NotAuthorizedException" && /SECRET_HASH|client secret/i.test(detail))) {
    return "this app client has a secret: pass --client-secret <s> (or check that it is the right one)";
  }
  switch (code) {
    case "UserNotConfirmedException":
      return `confirm the user first: awsblog cognito confirm --client-id <id> --username ${user} --code <code> (resend with resend-code)`;
    case "NotAuthorizedException":
      if (/refresh token/i.test(detail)) return "the login has expired or was signed out: log in again with awsblog cognito login";
      if (/disabled/i.test(detail)) return "the user is disabled: ask an administrator to enable it";
      if (/access token/i.test(detail)) return "the cached login was signed out or revoked: log in again with awsblog cognito login";
      if (flow === "change") return "the current password is wrong";
      return hasSecret === false
        ? "wrong username or password, or the app client has a secret: pass --client-secret <s>"
        : "wrong username or password (or the user does not exist)";
    case "UserNotFoundException":
      return "wrong username or password (or the user does not exist)";
    case "PasswordResetRequiredException":
      return `an administrator requires a password reset: awsblog cognito password forgot --client-id <id> --username ${user}`;
    case "CodeMismatchException":
      if (flow === "mfa-setup") return "the authenticator code is wrong: check the app's clock and enter the current code (run the setup again for a new secret)";
      if (flow === "forgot") return "the code is wrong: check it, or get a new one with awsblog cognito password forgot";
      return "the code is wrong: check it, or get a new one with awsblog cognito resend-code";
    case "ExpiredCodeException":
      if (flow === "forgot") return "the code has expired or was replaced: get a new one with awsblog cognito password forgot";
      return "the code has expired: get a new one with awsblog cognito resend-code";
    case "EnableSoftwareTokenMFAException":
      return "the authenticator app is not verified yet: run awsblog cognito mfa setup";
    case "InvalidSmsRoleAccessPolicyException":
    case "InvalidSmsRoleTrustRelationshipException":
      return "the user pool cannot send SMS: fix its SMS role, or use an authenticator app (awsblog cognito mfa setup)";
    case "UsernameExistsException":
      return "that username is taken: pick another, or log in";
    case "InvalidPasswordException":
      return "the password does not meet the user pool's password policy";
    case "TooManyRequestsException":
    case "LimitExceededException":
    case "TooManyFailedAttemptsException":
      return "Cognito is limiting attempts: wait a few minutes and retry";
    case "ResourceNotFoundException":
      return "check --client-id (and --user-pool-id/--region: a pool lives in one region)";
    case "InvalidParameterException":
      if (/not verified software token|software token mfa/i.test(detail)) return "set up the authenticator app first: awsblog cognito mfa setup";
      if (/phone/i.test(detail)) return "SMS MFA needs a verified phone number on the user";
      return "check the flags against the user pool's settings (required attributes, username format)";
    default:
      return undefined;
  }
}
