import { createHash } from "node:crypto";
import { createPrivateStore, type PrivateStore } from "../private-store.js";

/**
 * The IdP's cookies between runs (as aws-adfs keeps AD FS's): one file per IdP origin in
 * `<config dir>/saml-sessions/`, 0600 in a 0700 folder (lib/private-store.ts). Each cookie keeps
 * its expiry; a session cookie (no Expires/Max-Age — AD FS's MSISAuth) is kept for
 * SESSION_COOKIE_MS, AD FS's default web SSO lifetime, and the IdP decides whether it is still good.
 */
export interface StoredCookie {
  host: string;
  name: string;
  value: string;
  /** ISO 8601. */
  expires: string;
}

export interface IdpSession {
  version: 1;
  origin: string;
  /** Who signed in (a session for another user is not used). */
  username?: string;
  savedAt: string;
  cookies: StoredCookie[];
}

/** AD FS's default web SSO lifetime: 8 hours. */
export const SESSION_COOKIE_MS = 8 * 3_600_000;
const MAX_SESSION_BYTES = 256 * 1024;

export interface IdpSessions {
  readonly dir: string;
  /** The unexpired cookies saved for this origin (and user, when one is named). */
  load(origin: string, username: string | undefined, now: Date): Promise<IdpSession | undefined>;
  save(session: IdpSession): Promise<void>;
  remove(origin: string): Promise<void>;
  removeAll(): Promise<number>;
}

export function createIdpSessions(env: NodeJS.ProcessEnv): IdpSessions {
  const store: PrivateStore = createPrivateStore({ env, folder: "saml-sessions", label: "IdP session store", refill: "awsblog saml login --idp-url …" });
  const name = (origin: string) => `${createHash("sha256").update(origin).digest("hex").slice(0, 32)}.json`;
  return {
    dir: store.dir,
    async load(origin, username, now) {
      if (!(await store.exists())) return undefined;
      const read = await store.read(name(origin), MAX_SESSION_BYTES);
      if (!("text" in read)) return undefined;
      let session: IdpSession;
      try {
        session = JSON.parse(read.text) as IdpSession;
      } catch {
        return undefined;
      }
      if (session?.version !== 1 || session.origin !== origin || !Array.isArray(session.cookies)) return undefined;
      if (username !== undefined && session.username !== undefined && session.username !== username) return undefined;
      const cookies = session.cookies.filter(
        (c) => c && typeof c.host === "string" && typeof c.name === "string" && typeof c.value === "string" && Date.parse(c.expires) > now.getTime(),
      );
      return cookies.length ? { ...session, cookies } : undefined;
    },
    async save(session) {
      if (session.cookies.length === 0) {
        await store.remove(name(session.origin));
        return;
      }
      await store.write(name(session.origin), `${JSON.stringify(session, null, 2)}\n`);
    },
    remove: (origin) => store.remove(name(origin)),
    async removeAll() {
      const names = (await store.names()).filter((n) => n.endsWith(".json") || n.endsWith(".tmp"));
      for (const n of names) await store.remove(n);
      return names.filter((n) => n.endsWith(".json")).length;
    },
  };
}
