import { createCredentialsCache } from "../credentials-cache.js";
import { credentialProcessDocument, DEFAULT_MIN_REMAINING_MS, parseSpan, samlCacheKey, type CacheKeyInput } from "./cache-key.js";

/**
 * `awsblog saml login … --credential-process` answered from the credentials cache without
 * loading the CLI (commander, the command tree, the AWS SDK): the SDKs run credential_process
 * for every process that reads the profile, so its cost is paid over and over. bin/awsblog.js
 * calls `answer` first for such argv; undefined means "not answered here" (a flag this parser
 * does not know, --force, --debug, a miss, a cache it may not use) and the full CLI runs —
 * which also gives every error its proper message. Built as its own entry (scripts/build.mjs).
 */
const VALUE_FLAGS: Record<string, keyof CacheKeyInput | "minRemaining" | "ignored"> = {
  "--idp-url": "idpUrl",
  "--username": "username",
  "--listen": "listen",
  "--open": "open",
  "--role-arn": "roleArn",
  "--role": "role",
  "--account": "account",
  "--duration": "duration",
  "--identity-pool-id": "identityPoolId",
  "--endpoint-url": "endpointUrl",
  "--region": "region",
  "--min-remaining": "minRemaining",
  "--listen-timeout": "ignored",
  "--mfa-timeout": "ignored",
  "--mfa-code": "ignored",
  "--cli-read-timeout": "ignored",
  "--cli-connect-timeout": "ignored",
  "--output": "ignored",
  "-o": "ignored",
};
const BOOLEAN_FLAGS = new Set(["--credential-process", "--password-stdin", "--all-roles", "--quiet", "--no-color"]);

export async function answer(argv: readonly string[], env: NodeJS.ProcessEnv, now: Date): Promise<string | undefined> {
  const input: CacheKeyInput = {};
  let minRemainingMs = DEFAULT_MIN_REMAINING_MS;
  let credentialProcess = false;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) {
      words.push(arg);
      continue;
    }
    if (BOOLEAN_FLAGS.has(arg)) {
      if (arg === "--credential-process") credentialProcess = true;
      if (arg === "--all-roles") input.allRoles = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const target = VALUE_FLAGS[flag];
    if (!target) return undefined;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return undefined;
    if (target === "ignored") continue;
    if (target === "minRemaining") {
      const ms = parseSpan(value);
      if (ms === undefined) return undefined;
      minRemainingMs = ms;
    } else if (target === "role") {
      input.role = [...(input.role ?? []), value];
    } else if (target === "duration") {
      if (!/^\d+$/.test(value)) return undefined;
      input.duration = Number(value);
    } else if (target !== "allRoles") {
      if (input[target] !== undefined) return undefined; // repeated: the CLI decides what that means
      input[target] = value;
    }
  }
  if (input.allRoles || (input.role?.length ?? 0) > 1) return undefined; // a usage error: the CLI says so
  if (!credentialProcess || words.length !== 2 || words[0] !== "saml" || words[1] !== "login") return undefined;
  input.username ??= env.AWSBLOG_SAML_USERNAME;
  const key = samlCacheKey(input);
  if (key === undefined) return undefined;
  try {
    const entry = await createCredentialsCache(env, "saml").read(key, { now, minRemainingMs });
    const first = entry?.credentials[0];
    return first ? `${JSON.stringify(credentialProcessDocument(first))}\n` : undefined;
  } catch {
    return undefined; // an unsafe or unreadable cache: the full CLI says why
  }
}
