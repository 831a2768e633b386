import { UsageError } from "../errors.js";
import { clipValue } from "../terminal.js";

/** One `https://aws.amazon.com/SAML/Attributes/Role` value: a role and the SAML provider trusted by it. */
export interface SamlRole {
  roleArn: string;
  principalArn: string;
  accountId: string;
  roleName: string;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const PROVIDER_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):iam::(\d{12}):saml-provider\/[\w+=,.@-]{1,128}$/;

/** `role,provider` or `provider,role` — IdPs send either order. */
export function parseRolePair(value: string): SamlRole {
  const parts = value.split(",").map((p) => p.trim());
  const bad = () =>
    new UsageError(
      `the assertion's Role attribute value "${clipValue(value, 200)}" is not "<role ARN>,<SAML provider ARN>"`,
      "ask the IdP admin to fix the https://aws.amazon.com/SAML/Attributes/Role claim rule",
    );
  if (parts.length !== 2) throw bad();
  const [a, b] = parts as [string, string];
  const roleArn = ROLE_ARN.test(a) ? a : ROLE_ARN.test(b) ? b : undefined;
  const principalArn = PROVIDER_ARN.test(a) ? a : PROVIDER_ARN.test(b) ? b : undefined;
  if (!roleArn || !principalArn) throw bad();
  const match = ROLE_ARN.exec(roleArn)!;
  return { roleArn, principalArn, accountId: match[2]!, roleName: match[3]! };
}

export interface RoleChoice {
  roleArn?: string;
  /** Role names (`--role`, repeatable); exact names, never substrings. */
  roles?: string[];
  allRoles?: boolean;
}

/**
 * The roles to assume: by ARN, by exact name, all, or the only one. Returns undefined when the
 * user must choose (several roles, no choice given) — the caller prompts or refuses.
 */
export function chooseRoles(available: SamlRole[], choice: RoleChoice): SamlRole[] | undefined {
  if (available.length === 0) {
    throw new UsageError("the assertion grants no AWS roles", "ask the IdP admin to add the https://aws.amazon.com/SAML/Attributes/Role claim");
  }
  if (choice.allRoles) return available;
  if (choice.roleArn) {
    const found = available.find((r) => r.roleArn === choice.roleArn);
    if (!found) throw notInAssertion(`--role-arn ${clipValue(choice.roleArn, 200)}`, available);
    return [found];
  }
  if (choice.roles?.length) {
    return unique(choice.roles).map((name) => {
      const matches = available.filter((r) => r.roleName === name);
      if (matches.length === 0) throw notInAssertion(`--role ${clipValue(name, 200)}`, available);
      if (matches.length > 1) {
        throw new UsageError(`--role ${clipValue(name, 200)} names a role in ${matches.length} accounts`, `pick one with --role-arn: ${matches.map((r) => r.roleArn).join(", ")}`);
      }
      return matches[0]!;
    });
  }
  return available.length === 1 ? available : undefined;
}

export function severalRolesError(available: SamlRole[]): UsageError {
  return new UsageError(
    `the assertion grants ${available.length} roles and none was chosen: ${available.map((r) => r.roleArn).join(", ")}`,
    "pass --role-arn <arn>, --role <name> (repeatable) or --all-roles",
  );
}

function notInAssertion(what: string, available: SamlRole[]): UsageError {
  return new UsageError(`${what} is not among the assertion's roles`, `choose one of: ${available.map((r) => r.roleArn).join(", ")}`);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}


/** `{account}-{role}` → `123456789012-Admin`; also `{roleName}`, `{accountId}`. */
export function profileName(template: string, role: SamlRole): string {
  return template
    .replace(/\{(account|accountId)\}/g, role.accountId)
    .replace(/\{(role|roleName)\}/g, role.roleName);
}
