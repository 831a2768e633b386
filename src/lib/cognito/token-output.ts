import type { CachedLogin } from "./token-cache.js";

/** The JSON shape of login and token (contract §4). */
export interface TokenOutput {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt: string;
  username: string;
}

export function tokenOutput(entry: CachedLogin, withRefreshToken: boolean): TokenOutput {
  return {
    idToken: entry.idToken,
    accessToken: entry.accessToken,
    ...(withRefreshToken && entry.refreshToken ? { refreshToken: entry.refreshToken } : {}),
    expiresAt: entry.expiresAt,
    username: entry.username,
  };
}
