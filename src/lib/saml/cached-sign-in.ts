import type { CachedCredentials } from "../credentials-cache.js";
import type { Exchanged } from "./exchange.js";
import type { SamlRole } from "./roles.js";

/** An exchange's result as a cache entry's set: the role's attributes ride along, never secrets. */
export function toCached(r: Exchanged, subject: string | undefined): CachedCredentials {
  return {
    accessKeyId: r.credentials.accessKeyId,
    secretAccessKey: r.credentials.secretAccessKey,
    sessionToken: r.credentials.sessionToken,
    expiration: r.credentials.expiration.toISOString(),
    attributes: {
      roleArn: r.role.roleArn,
      principalArn: r.role.principalArn,
      accountId: r.role.accountId,
      roleName: r.role.roleName,
      subject: r.subject ?? subject ?? null,
      durationSeconds: r.durationSeconds,
      ...(r.identityId ? { identityId: r.identityId } : {}),
    },
  };
}

/** The role a cached set was issued for. */
export function cachedRole(c: CachedCredentials): SamlRole {
  const a = c.attributes ?? {};
  return { roleArn: String(a.roleArn ?? ""), principalArn: String(a.principalArn ?? ""), accountId: String(a.accountId ?? ""), roleName: String(a.roleName ?? "") };
}
