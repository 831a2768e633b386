import type { CognitoApi } from "../aws/cognito.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { explainCognitoError, type ErrorContext } from "./explain-error.js";
import { createSecretInput, type SecretInput } from "./secret-input.js";
import { createTokenCache, type TokenCache } from "./token-cache.js";
import { clipValue } from "../terminal.js";

/** What the cognito commands share: the pool's region, the API, the cache, secrets and flag checks. */
const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9a-zA-Z]+$/;

/** `eu-west-1_AbC` → `eu-west-1`; a malformed id is a usage error. */
export function regionOfPool(userPoolId: string | undefined): string | undefined {
  if (userPoolId === undefined) return undefined;
  const match = POOL_ID.exec(userPoolId);
  if (!match) throw new UsageError(`--user-pool-id "${clipValue(userPoolId)}" is not a user pool id`, "it looks like us-east-1_AbCdEf123");
  return match[1];
}

/** Cognito in the pool's region (else --region / the standard chain), from ctx.services. */
export function cognitoApi(ctx: Pick<Context, "services">, region?: string): Promise<CognitoApi> {
  return ctx.services.cognito(region);
}

export function tokenCache(ctx: Pick<Context, "env">): TokenCache {
  return createTokenCache(ctx.env);
}

/** Passwords and codes: stdin, the environment, or a prompt on the terminal (stderr, never stdout). */
export function secretInput(
  ctx: Pick<Context, "env" | "stdin" | "stderr" | "services">,
  flags: { passwordStdin?: boolean; newPasswordStdin?: boolean },
): SecretInput {
  return createSecretInput({
    ...flags,
    env: ctx.env,
    stdin: ctx.stdin,
    prompt: (question, hidden) => ctx.services.prompt(question, { input: ctx.stdin, output: ctx.stderr, hidden }),
  });
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
    if (at <= 0) throw new UsageError(`--attribute "${clipValue(item)}" is not Name=Value`, "e.g. --attribute email=jdoe@example.com");
    return { Name: item.slice(0, at).trim(), Value: item.slice(at + 1) };
  });
}

export type TokenKind = "id" | "access" | "refresh";

export function checkPrint(value: string | undefined, allowed: TokenKind[]): TokenKind | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as string[]).includes(value)) {
    throw new UsageError(`--print must be one of ${allowed.join(", ")}, got "${clipValue(value)}"`, `e.g. --print ${allowed[0]}`);
  }
  return value as TokenKind;
}

/** `--client-secret`, else $AWSBLOG_CLIENT_SECRET (keeps the secret out of argv and shell history). */
export function clientSecretOf(options: { clientSecret?: string }, ctx: Pick<Context, "env">): string | undefined {
  return options.clientSecret || ctx.env.AWSBLOG_CLIENT_SECRET || undefined;
}


/**
 * What Cognito accepts for the values users type (its API limits), checked before any call so a
 * typo or an empty variable (`--client-id "$UNSET"`) is a usage error, not a round trip.
 */
const LIMITS: Record<string, { max: number; pattern?: RegExp; what: string }> = {
  "--client-id": { max: 128, pattern: /^[\w+]+$/, what: "the app client id (1–128 letters, digits, _ or +; see the user pool's App clients page)" },
  "--username": { max: 128, what: "the username (at most 128 characters)" },
  "--code": { max: 2048, pattern: /^\S+$/, what: "the code Cognito sent (no spaces)" },
  "--mfa-code": { max: 2048, pattern: /^\S+$/, what: "the SMS or authenticator code, or leave the flag out to be asked for it" },
};

/** A value given for one of the LIMITS flags: not empty, not too long, the right characters. */
export function checkValue(value: string, flag: string): string {
  const limit = LIMITS[flag];
  if (!limit) return value;
  const trimmed = value.trim();
  if (trimmed === "") throw new UsageError(`${flag} is empty`, `pass ${limit.what}`);
  if ([...value].length > limit.max) throw new UsageError(`${flag} "${clipValue(value)}" is longer than ${limit.max} characters`, `pass ${limit.what}`);
  if (limit.pattern && !limit.pattern.test(flag === "--code" ? trimmed : value)) {
    throw new UsageError(`${flag} "${clipValue(value)}" is not valid`, `pass ${limit.what}`);
  }
  return value;
}

/** --client-id / --username picking a cached login: given empty, it would silently mean "any". */
export function checkSelector(selector: { clientId?: string; username?: string }): void {
  if (selector.clientId !== undefined) checkValue(selector.clientId, "--client-id");
  if (selector.username !== undefined) checkValue(selector.username, "--username");
}
