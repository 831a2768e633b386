import type { Context } from "../context.js";
import { FailureError } from "../errors.js";
import { clipValue } from "../terminal.js";
import { credentialsFilePath, readCredentialsFile, readProfile } from "./credentials-file.js";

/** A profile's keys as `saml login --write-profile` left them, checked before anyone uses them. */
export interface ProfileCredentials {
  profile: string;
  /** The credentials file they came from (for messages). */
  path: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  /** x_principal_arn: the SAML provider the role trusts (its partition names the console's domain). */
  principalArn?: string;
}

export function loginAgainHint(profile: string): string {
  return `log in again: awsblog saml login --write-profile ${profile}`;
}

/**
 * The profile's keys from the shared credentials file. A missing profile, an unreadable
 * `x_security_token_expires` or credentials past it are exit 1 "log in again" — nothing is
 * handed to a child, a shell or the federation endpoint.
 */
export async function loadProfileCredentials(profileName: string, ctx: Pick<Context, "env" | "now">): Promise<ProfileCredentials> {
  const path = credentialsFilePath(ctx.env);
  const profile = readProfile(await readCredentialsFile(path, ctx.env), profileName);
  const hint = loginAgainHint(profileName);
  if (!profile?.aws_access_key_id || !profile.aws_secret_access_key) {
    throw new FailureError(`profile ${profileName} has no credentials in ${path}`, hint);
  }
  const expiration = profile.x_security_token_expires ? new Date(profile.x_security_token_expires) : undefined;
  if (expiration && Number.isNaN(expiration.getTime())) {
    throw new FailureError(`profile ${profileName} in ${path} has an unreadable x_security_token_expires ("${clipValue(profile.x_security_token_expires!, 120)}")`, hint);
  }
  if (expiration && expiration.getTime() <= ctx.now().getTime()) {
    throw new FailureError(`the credentials of profile ${profileName} expired at ${expiration.toISOString()}`, hint);
  }
  return {
    profile: profileName,
    path,
    accessKeyId: profile.aws_access_key_id,
    secretAccessKey: profile.aws_secret_access_key,
    ...(profile.aws_session_token ? { sessionToken: profile.aws_session_token } : {}),
    ...(expiration ? { expiration } : {}),
    ...(profile.x_principal_arn ? { principalArn: profile.x_principal_arn } : {}),
  };
}

/**
 * The variables a child or a shell gets: the profile's keys set, and what could make an SDK
 * pick other credentials removed (a selected profile, a stale session token).
 */
export function credentialVariables(c: Pick<ProfileCredentials, "accessKeyId" | "secretAccessKey" | "sessionToken" | "expiration">): { set: Record<string, string>; unset: string[] } {
  const set: Record<string, string> = { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey };
  if (c.sessionToken) set.AWS_SESSION_TOKEN = c.sessionToken;
  if (c.expiration) set.AWS_CREDENTIAL_EXPIRATION = c.expiration.toISOString();
  // botocore reads the legacy AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN: a stale one would win.
  const unset = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN", ...(c.sessionToken ? [] : ["AWS_SESSION_TOKEN"]), ...(c.expiration ? [] : ["AWS_CREDENTIAL_EXPIRATION"])];
  return { set, unset };
}
