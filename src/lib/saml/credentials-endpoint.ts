import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TemporaryCredentials } from "../aws/sts-saml.js";
import type { Context } from "../context.js";
import { formatError } from "../errors.js";

/**
 * The loopback credentials endpoint of `saml exec --refresh`: what ECS gives a task, so every
 * AWS SDK and the CLI read it unchanged (AWS_CONTAINER_CREDENTIALS_FULL_URI +
 * AWS_CONTAINER_AUTHORIZATION_TOKEN). It answers the container-credentials JSON
 * {AccessKeyId, SecretAccessKey, Token, Expiration} and signs in again before the credentials
 * it holds run out, so a child that outlives one session gets the next.
 */
export interface CredentialsEndpoint {
  url: string;
  token: string;
  /** How many times it signed in again. */
  readonly renewals: number;
  close(): Promise<void>;
}

/** Renew when less than this is left: SDKs ask again 5 (JS) to 15 (botocore) minutes before expiry. */
const RENEW_BEFORE_MS = 15 * 60_000;
const PATH = "/credentials";

export async function startCredentialsEndpoint(first: TemporaryCredentials, renew: () => Promise<TemporaryCredentials>, ctx: Context): Promise<CredentialsEndpoint> {
  const token = ctx.services.randomBytes(32).toString("base64url");
  const expected = digest(token);
  let current = first;
  let issuedAt = ctx.now().getTime();
  let renewing: Promise<TemporaryCredentials> | undefined;
  let renewals = 0;
  let port = 0;

  /**
   * The part of its life after which a session is renewed: at most 15 minutes before its end,
   * and never before half of it has passed (a 15-minute session is not renewed on every request).
   */
  const needsRenewal = (now: number) => {
    const lifetime = current.expiration.getTime() - issuedAt;
    return current.expiration.getTime() - now < Math.min(RENEW_BEFORE_MS, lifetime / 2);
  };

  async function credentials(): Promise<TemporaryCredentials> {
    if (!needsRenewal(ctx.now().getTime())) return current;
    renewing ??= renew()
      .then((fresh) => {
        current = fresh;
        issuedAt = ctx.now().getTime();
        renewals++;
        ctx.out.info(`signed in again: credentials until ${fresh.expiration.toISOString()}`);
        return fresh;
      })
      .finally(() => (renewing = undefined));
    try {
      return await renewing;
    } catch (error) {
      ctx.out.warn(`could not sign in again (${formatError(error).replace(/^awsblog: /, "")})`);
      // Still valid: the child keeps working on them; the next request tries again.
      if (current.expiration.getTime() > ctx.now().getTime()) return current;
      throw error;
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? "").toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return json(res, 421, { code: "WrongHost", message: "this endpoint answers on 127.0.0.1 only" });
    if (new URL(req.url ?? "/", "http://x").pathname !== PATH) return json(res, 404, { code: "NotFound", message: `ask ${PATH}` });
    if (req.method !== "GET") return json(res, 405, { code: "MethodNotAllowed", message: "GET only" });
    const given = req.headers.authorization ?? "";
    if (!timingSafeEqual(digest(given), expected)) return json(res, 401, { code: "Unauthorized", message: "send AWS_CONTAINER_AUTHORIZATION_TOKEN as Authorization" });
    try {
      const c = await credentials();
      json(res, 200, { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: c.expiration.toISOString() });
    } catch (error) {
      json(res, 503, { code: "SignInFailed", message: formatError(error).replace(/^awsblog: /, "") });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    token,
    get renewals() {
      return renewals;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
