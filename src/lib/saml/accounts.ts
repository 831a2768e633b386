import { readSharedFile, sharedFilePath } from "../aws/profiles.js";
import { UsageError } from "../errors.js";
import { clipValue } from "../terminal.js";
import type { SamlAssertion } from "./assertion.js";
import type { SamlRole } from "./roles.js";

/**
 * Account names people use instead of 12-digit ids, from the AWS config file
 * (AWS_CONFIG_FILE, else ~/.aws/config):
 *
 *     [saml-accounts]
 *     123456789012 = payments
 *
 * The SDKs and the AWS CLI skip a section that is not a profile, so it can sit beside them.
 * Lines that are not `<12 digits> = <name>` are ignored.
 */
export const ACCOUNTS_SECTION = "saml-accounts";
const ALIAS = /^[\w.@+-]{1,64}$/;

export async function readAccountAliases(env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  return parseAccountAliases(await readSharedFile("AWS_CONFIG_FILE", env));
}

export function parseAccountAliases(text: string): Map<string, string> {
  const aliases = new Map<string, string>();
  let inside = false;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[\s*([^\]]+?)\s*\]\s*([#;].*)?$/.exec(line);
    if (section) {
      inside = section[1] === ACCOUNTS_SECTION;
      continue;
    }
    if (!inside) continue;
    const pair = /^\s*(\d{12})\s*=\s*(\S+?)\s*(?:[#;].*)?$/.exec(line);
    if (pair && ALIAS.test(pair[2]!)) aliases.set(pair[1]!, pair[2]!);
  }
  return aliases;
}

/** `--account`: a 12-digit id, or a name from [saml-accounts]. */
export function resolveAccount(value: string, aliases: Map<string, string>, env: NodeJS.ProcessEnv): string {
  const trimmed = value.trim();
  if (/^\d{12}$/.test(trimmed)) return trimmed;
  const found = [...aliases].find(([, alias]) => alias === trimmed);
  if (found) return found[0];
  throw new UsageError(
    `--account "${clipValue(value, 40)}" is neither a 12-digit account id nor a name in [${ACCOUNTS_SECTION}] of ${sharedFilePath("AWS_CONFIG_FILE", env)}`,
    `pass the id, or add a line "123456789012 = ${ALIAS.test(trimmed) ? trimmed : "payments"}" under [${ACCOUNTS_SECTION}]`,
  );
}

/** The assertion with only that account's roles (saml2aws #893); none left is a usage error listing the accounts it has. */
export function narrowToAccount(assertion: SamlAssertion, accountId: string | undefined, aliases: Map<string, string>): SamlAssertion {
  if (accountId === undefined) return assertion;
  const roles = assertion.roles.filter((r) => r.accountId === accountId);
  if (roles.length === 0) {
    const accounts = [...new Set(assertion.roles.map((r) => named(r.accountId, aliases)))];
    throw new UsageError(`the assertion grants no role in account ${named(accountId, aliases)}`, `it grants roles in: ${accounts.join(", ") || "no account"}`);
  }
  return { ...assertion, roles };
}

/** `123456789012 (payments)`, or the id alone. */
export function named(accountId: string, aliases: Map<string, string>): string {
  const alias = aliases.get(accountId);
  return alias ? `${accountId} (${alias})` : accountId;
}

export function withAlias(role: SamlRole, aliases: Map<string, string>): SamlRole & { accountAlias: string | null } {
  return { ...role, accountAlias: aliases.get(role.accountId) ?? null };
}

/** Reads the aliases and resolves --account in one step, for the commands. */
export async function accountChoice(account: string | undefined, env: NodeJS.ProcessEnv): Promise<{ accountId?: string; aliases: Map<string, string> }> {
  const aliases = await readAccountAliases(env);
  return { aliases, ...(account !== undefined ? { accountId: resolveAccount(account, aliases, env) } : {}) };
}
