import type { CognitoApi } from "../../lib/aws/cognito.js";
import { explainCognitoError, type ErrorContext } from "../../lib/cognito/explain-error.js";
import { createSecretInput, type SecretInput } from "../../lib/cognito/secret-input.js";
import type { SrpDeps } from "../../lib/cognito/srp.js";
import { createTokenCache, type TokenCache } from "../../lib/cognito/token-cache.js";
import type { Context } from "../../lib/context.js";
import { UsageError } from "../../lib/errors.js";

/** What Cognito commands take from outside; tests hand in fakes. */
export interface CognitoDeps {
  api?: CognitoApi;
  cache?: TokenCache;
  secrets?: SecretInput;
  srp?: SrpDeps;
  fetch?: typeof fetch;
}

const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9a-zA-Z]+$/;

/** `eu-west-1_AbC` → `eu-west-1`; a malformed id is a usage error. */
export function regionOfPool(userPoolId: string | undefined): string | undefined {
  if (userPoolId === undefined) return undefined;
  const match = POOL_ID.exec(userPoolId);
  if (!match) throw new UsageError(`--user-pool-id "${userPoolId}" is not a user pool id`, "it looks like us-east-1_AbCdEf123");
  return match[1];
}

export async function cognitoApi(ctx: Context, deps: CognitoDeps, region?: string): Promise<CognitoApi> {
  if (deps.api) return deps.api;
  const { createCognitoApi } = await import("../../lib/aws/cognito.js");
  return createCognitoApi(ctx, region);
}

export function tokenCache(ctx: Context, deps: CognitoDeps): TokenCache {
  return deps.cache ?? createTokenCache(ctx.env, (message) => ctx.out.warn(message));
}

export function secretInput(ctx: Context, deps: CognitoDeps, flags: { passwordStdin?: boolean; newPasswordStdin?: boolean }): SecretInput {
  return deps.secrets ?? createSecretInput({ ...flags, env: ctx.env, stdin: ctx.stdin });
}

/** Runs Cognito calls, turning their errors into ones that say what to do. */
export async function explained<T>(work: () => Promise<T>, context: ErrorContext = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw explainCognitoError(error, context);
  }
}

/** `--attribute Name=Value` (repeatable) → Cognito's attribute list. */
export function parseAttributes(values: string[] = []): { Name: string; Value: string }[] {
  return values.map((item) => {
    const at = item.indexOf("=");
    if (at <= 0) throw new UsageError(`--attribute "${item}" is not Name=Value`, "e.g. --attribute email=jdoe@example.com");
    return { Name: item.slice(0, at).trim(), Value: item.slice(at + 1) };
  });
}

export type TokenKind = "id" | "access" | "refresh";

export function checkPrint(value: string | undefined, allowed: TokenKind[]): TokenKind | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as string[]).includes(value)) throw new UsageError(`--print must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as TokenKind;
}

/** `--client-secret`, else $AWSBLOG_CLIENT_SECRET (keeps the secret out of argv and shell history). */
export function clientSecretOf(options: { clientSecret?: string }, ctx: Pick<Context, "env">): string | undefined {
  return options.clientSecret || ctx.env.AWSBLOG_CLIENT_SECRET || undefined;
}
