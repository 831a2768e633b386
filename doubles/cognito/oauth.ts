import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A user pool's hosted UI endpoints, /oauth2/authorize and /oauth2/token, for the checks a
 * login through a browser depends on (moto has no hosted UI). Authorize signs the configured
 * user in at once (no page) and redirects to the callback with a one-time code; token trades
 * it once, checking the client (Basic auth when it has a secret), the redirect_uri and the
 * PKCE verifier against the S256 challenge. Errors are Cognito's: a redirect with `error=` for
 * authorize, JSON `{"error":"invalid_grant"|"invalid_client"|…}` for token.
 */
export interface OAuthClient {
  clientId: string;
  clientSecret?: string;
  callbackUrls: string[];
  scopes: string[];
}

export interface OAuthUser {
  username: string;
  email: string;
  sub: string;
}

export interface OAuthDoubleOptions {
  poolId: string;
  clients: OAuthClient[];
  user: OAuthUser;
  /** Codes live this long (Cognito: 5 minutes). */
  codeSeconds?: number;
}

export interface OAuthRequest {
  path: string;
  params: Record<string, string>;
  authorization?: string;
  /** "redirect", "tokens" or the error code answered. */
  outcome: string;
}

export interface OAuthDouble {
  url: string;
  requests: OAuthRequest[];
  /** The tokens handed out, newest last. */
  issued: { idToken: string; accessToken: string; refreshToken: string }[];
  /** The next authorize answers error=access_denied (the user cancelled). */
  denyNext(): void;
  stop(): Promise<void>;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  scopes: string[];
  expires: number;
  used: boolean;
}

export async function startOAuthDouble(options: OAuthDoubleOptions): Promise<OAuthDouble> {
  const grants = new Map<string, Grant>();
  const requests: OAuthRequest[] = [];
  const issued: OAuthDouble["issued"] = [];
  let deny = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? "/", "http://double");
    const log = (params: Record<string, string>, outcome: string) => requests.push({ path: url.pathname, params, authorization: req.headers.authorization, outcome });
    if (url.pathname === "/oauth2/authorize" && req.method === "GET") return authorize(Object.fromEntries(url.searchParams), res, log);
    if (url.pathname === "/oauth2/token" && req.method === "POST") {
      const params = Object.fromEntries(new URLSearchParams(body));
      if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) return tokenError(res, 400, "invalid_request", log, params);
      return token(params, req.headers.authorization, res, log);
    }
    res.writeHead(404, { "content-type": "text/html" }).end("<html><body>Not found</body></html>");
  }

  function authorize(params: Record<string, string>, res: ServerResponse, log: (p: Record<string, string>, o: string) => void): void {
    const client = options.clients.find((c) => c.clientId === params.client_id);
    // An unknown client or callback is never redirected to: Cognito shows its error page.
    if (!client) return void (log(params, "invalid_client"), res.writeHead(400, { "content-type": "text/html" }).end("<html><body>invalid_client</body></html>"));
    if (!params.redirect_uri || !client.callbackUrls.includes(params.redirect_uri)) {
      log(params, "redirect_mismatch");
      return void res.writeHead(302, { location: "/error?error=redirect_mismatch" }).end();
    }
    const back = (query: Record<string, string>, outcome: string) => {
      log(params, outcome);
      const target = new URL(params.redirect_uri!);
      for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v);
      if (params.state !== undefined) target.searchParams.set("state", params.state);
      res.writeHead(302, { location: target.href }).end();
    };
    if (params.response_type !== "code") return back({ error: "unsupported_response_type" }, "unsupported_response_type");
    if (params.code_challenge !== undefined && params.code_challenge_method !== "S256") return back({ error: "invalid_request", error_description: "code_challenge_method must be S256" }, "invalid_request");
    const scopes = (params.scope ?? "openid").split(" ").filter(Boolean);
    if (scopes.some((s) => !client.scopes.includes(s))) return back({ error: "invalid_scope" }, "invalid_scope");
    if (deny) {
      deny = false;
      return back({ error: "access_denied", error_description: "User cancelled the sign-in" }, "access_denied");
    }
    const code = randomUUID();
    grants.set(code, { clientId: client.clientId, redirectUri: params.redirect_uri, challenge: params.code_challenge, scopes, expires: Date.now() + (options.codeSeconds ?? 300) * 1000, used: false });
    back({ code }, "redirect");
  }

  function token(params: Record<string, string>, authorization: string | undefined, res: ServerResponse, log: (p: Record<string, string>, o: string) => void): void {
    if (params.grant_type !== "authorization_code") return tokenError(res, 400, "unsupported_grant_type", log, params);
    const basic = /^Basic (.+)$/.exec(authorization ?? "")?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":").map(decodeURIComponent) : [];
    const clientId = basicId ?? params.client_id;
    const client = options.clients.find((c) => c.clientId === clientId);
    if (!client || (client.clientSecret !== undefined && basicSecret !== client.clientSecret)) return tokenError(res, 401, "invalid_client", log, params);
    const grant = grants.get(params.code ?? "");
    if (!grant || grant.used || grant.expires < Date.now() || grant.clientId !== client.clientId || grant.redirectUri !== params.redirect_uri) {
      return tokenError(res, 400, "invalid_grant", log, params);
    }
    grant.used = true;
    if (grant.challenge !== undefined) {
      const computed = createHash("sha256").update(params.code_verifier ?? "").digest("base64url");
      if (computed !== grant.challenge) return tokenError(res, 400, "invalid_grant", log, params);
    }
    const now = Math.floor(Date.now() / 1000);
    const iss = `https://cognito-idp.${options.poolId.split("_")[0]}.amazonaws.com/${options.poolId}`;
    const { user } = options;
    const idToken = jwt({ sub: user.sub, iss, aud: client.clientId, token_use: "id", "cognito:username": user.username, email: user.email, auth_time: now, iat: now, exp: now + 3600 });
    const accessToken = jwt({ sub: user.sub, iss, client_id: client.clientId, token_use: "access", scope: grant.scopes.join(" "), username: user.username, iat: now, exp: now + 3600 });
    const refreshToken = randomBytes(48).toString("base64url");
    issued.push({ idToken, accessToken, refreshToken });
    log(params, "tokens");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id_token: idToken, access_token: accessToken, refresh_token: refreshToken, expires_in: 3600, token_type: "Bearer" }));
  }

  function tokenError(res: ServerResponse, status: number, error: string, log: (p: Record<string, string>, o: string) => void, params: Record<string, string>): void {
    log(params, error);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error }));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    issued,
    denyNext: () => {
      deny = true;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A JWT-shaped token (the signature is not checked by its readers here). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", kid: "double" })}.${part(claims)}.${randomBytes(32).toString("base64url")}`;
}
