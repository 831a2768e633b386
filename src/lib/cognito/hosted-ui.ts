import { createHash } from "node:crypto";
import type { Context } from "../context.js";
import { deadline } from "../deadline.js";
import { FailureError, InterruptedError, UsageError } from "../errors.js";
import { readBounded } from "../input.js";
import { answerPage, LOOPBACK, openBrowser, waitForCallback, type ListenAddress } from "../loopback.js";
import { clipValue } from "../terminal.js";

/**
 * Signing in through a user pool's hosted UI (social and enterprise IdPs included): OAuth 2.0
 * authorization code with PKCE (S256) and a loopback redirect. The browser goes to
 * /oauth2/authorize; Cognito sends it back to http://<listen>/callback?code&state; the code,
 * with the PKCE verifier only this process knows, is exchanged at /oauth2/token.
 */
export interface HostedUiLogin {
  domain: URL;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  listen: ListenAddress;
  open: boolean;
  identityProvider?: string;
  /** Waiting for the browser, in seconds. */
  timeoutSeconds: number;
  /** Each /oauth2/token call, in seconds. */
  callSeconds: number;
}

export interface OAuthTokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
}

/** `myapp.auth.us-east-1.amazoncognito.com`, `https://auth.example.com` → its https origin (http only for loopback doubles). */
export function parseHostedUiDomain(value: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    throw new UsageError(`--hosted-ui "${clipValue(value, 80)}" is not a domain`, "pass the user pool's domain, e.g. myapp.auth.us-east-1.amazoncognito.com");
  }
  const loopback = LOOPBACK.includes(url.hostname.replace(/^\[|\]$/g, ""));
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new UsageError(`--hosted-ui must be https, got ${clipValue(url.protocol, 20)}`, "pass the domain alone (https is used), e.g. myapp.auth.us-east-1.amazoncognito.com");
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    throw new UsageError(`--hosted-ui "${clipValue(value, 80)}" has more than a domain`, "pass only the domain, e.g. myapp.auth.us-east-1.amazoncognito.com");
  }
  return new URL(url.origin);
}

const base64url = (bytes: Buffer) => bytes.toString("base64url");

export async function loginWithHostedUi(request: HostedUiLogin, ctx: Context): Promise<OAuthTokens> {
  const verifier = base64url(ctx.services.randomBytes(32));
  const challenge = base64url(createHash("sha256").update(verifier).digest());
  const state = base64url(ctx.services.randomBytes(16));
  const { code, redirectUri } = await receiveCode(request, ctx, state, challenge);
  return exchangeCode(request, ctx, { code, redirectUri, verifier });
}

function authorizeUrl(request: HostedUiLogin, redirectUri: string, state: string, challenge: string): URL {
  const url = new URL("/oauth2/authorize", request.domain);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", request.clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("scope", request.scopes.join(" "));
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("code_challenge_method", "S256");
  if (request.identityProvider) url.searchParams.set("identity_provider", request.identityProvider);
  return url;
}

/** Listens on the loopback address until the browser comes back with the code (or an error), Ctrl-C, or the timeout. */
function receiveCode(request: HostedUiLogin, ctx: Context, state: string, challenge: string): Promise<{ code: string; redirectUri: string }> {
  const { listen } = request;
  if (!LOOPBACK.includes(listen.host)) ctx.out.warn(`listening on ${listen.host}: prefer localhost (Cognito accepts http:// callback URLs only for localhost)`);
  let redirectUri = "";
  return waitForCallback<{ code: string; redirectUri: string }>(ctx, {
    address: listen,
    // "localhost" is what Cognito allows over http; listen on its IPv4 address.
    bindHost: listen.host === "localhost" ? "127.0.0.1" : undefined,
    timeoutSeconds: request.timeoutSeconds,
    timedOut: () => new FailureError(`no sign-in came back to ${redirectUri || "the callback"} within ${request.timeoutSeconds} s`, "finish the sign-in in the browser sooner, or raise --listen-timeout"),
    interrupted: () => new InterruptedError("interrupted while waiting for the hosted UI sign-in", "nothing was cached; run the login again"),
    listenHint: "pick another port with --listen localhost:<port> (and add its callback URL to the app client)",
    onListening: (bound) => {
      const host = bound.host.includes(":") ? `[${bound.host}]` : bound.host;
      redirectUri = `http://${host}:${bound.port}/callback`;
      const url = authorizeUrl(request, redirectUri, state, challenge);
      // Like a prompt: the URL is the way to go on, so it is shown even with --quiet.
      ctx.stderr.write(`Sign in at: ${url.href}\nWaiting for the browser to come back to ${redirectUri} (Ctrl-C to stop)\n`);
      if (request.open) openBrowser(url, ctx);
    },
    handle: (req, res, done) => {
      req.resume();
      const url = new URL(req.url ?? "/", "http://listener");
      if (url.pathname !== "/callback") return answerPage(res, 404, "Not found", "awsblog waits for the sign-in at /callback.");
      if (req.method !== "GET") return answerPage(res, 405, "Method not allowed", "The hosted UI comes back with a GET.");
      const params = url.searchParams;
      if (params.get("state") !== state) {
        answerPage(res, 400, "Sign-in refused", "This answer does not belong to the sign-in awsblog started. Start it again.");
        return done(new FailureError("the sign-in came back with a state that does not match (a request awsblog did not start)", "run the login again; if it repeats, something else is calling the callback"));
      }
      const error = params.get("error");
      if (error) {
        answerPage(res, 400, "Sign-in failed", "The hosted UI reported an error; see the terminal.");
        const description = params.get("error_description");
        return done(new FailureError(`the hosted UI refused the sign-in: ${clipValue(error, 60)}${description ? ` (${clipValue(description, 200)})` : ""}`, hintForAuthorizeError(error)));
      }
      const code = params.get("code");
      if (!code) {
        answerPage(res, 400, "No code", "The answer carried no authorization code; sign in again.");
        return done(new FailureError("the hosted UI came back without an authorization code", "run the login again"));
      }
      answerPage(res, 200, "Signed in", "awsblog received your sign-in. You can close this window.");
      done(undefined, { code, redirectUri });
    },
  });
}

function hintForAuthorizeError(error: string): string {
  if (error === "access_denied") return "the sign-in was cancelled or denied: run the login again";
  if (error === "invalid_scope") return "ask only for scopes the app client allows (--scope)";
  if (error === "unauthorized_client") return "allow the authorization code grant on the app client (AllowedOAuthFlows: code)";
  return "check the app client's hosted UI settings (callback URL, OAuth flows, scopes)";
}

/** Token answers are small; anything past this is not Cognito. */
const TOKEN_ANSWER_BYTES = 256 * 1024;

async function exchangeCode(request: HostedUiLogin, ctx: Context, grant: { code: string; redirectUri: string; verifier: string }): Promise<OAuthTokens> {
  const url = new URL("/oauth2/token", request.domain);
  const body = new URLSearchParams({ grant_type: "authorization_code", client_id: request.clientId, code: grant.code, redirect_uri: grant.redirectUri, code_verifier: grant.verifier });
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
  if (request.clientSecret) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`).toString("base64")}`;
  ctx.out.debug(`→ POST ${url.href} (grant_type=authorization_code, code ***, code_verifier ***)`);
  const timer = deadline(request.callSeconds * 1000, ctx.signal);
  let status: number;
  let text: string;
  try {
    const response = await ctx.services.fetch(url, { method: "POST", headers, body, signal: timer.signal, redirect: "manual" });
    status = response.status;
    text = response.body
      ? (await readBounded(response.body, TOKEN_ANSWER_BYTES, () => new FailureError(`${url.href} answered more than ${TOKEN_ANSWER_BYTES / 1024} KiB`, "check --hosted-ui: what answered is not Cognito"))).toString("utf8")
      : "";
  } catch (error) {
    if (error instanceof FailureError) throw error;
    if (ctx.signal.aborted) throw new InterruptedError("interrupted while exchanging the code", "nothing was cached; run the login again");
    const reason = timer.expired ? `no answer within ${request.callSeconds} s` : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    throw new FailureError(`POST ${url.href} failed: ${clipValue(reason, 120)}`, "check --hosted-ui and your network", { cause: error });
  } finally {
    timer.dispose();
  }
  ctx.out.debug(`← HTTP ${status}, ${Buffer.byteLength(text)} bytes`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new FailureError(`${url.href} answered HTTP ${status} that is not JSON`, "check --hosted-ui: it must be the user pool's domain");
  }
  if (status >= 400 || typeof json.error === "string") {
    const code = typeof json.error === "string" ? json.error : `HTTP ${status}`;
    const description = typeof json.error_description === "string" ? ` (${clipValue(json.error_description, 200)})` : "";
    throw new FailureError(`Cognito /oauth2/token refused the code: ${clipValue(code, 60)}${description}`, hintForTokenError(code));
  }
  const idToken = json.id_token;
  const accessToken = json.access_token;
  if (typeof idToken !== "string" || typeof accessToken !== "string") {
    throw new FailureError("Cognito /oauth2/token answered without an ID token", "ask for the openid scope (--scope openid …)");
  }
  return {
    idToken,
    accessToken,
    refreshToken: typeof json.refresh_token === "string" ? json.refresh_token : undefined,
    expiresIn: typeof json.expires_in === "number" ? json.expires_in : undefined,
  };
}

function hintForTokenError(code: string): string {
  if (code === "invalid_client") return "the app client has a secret: pass --client-secret (or check --client-id)";
  if (code === "invalid_grant") return "the code was used, expired, or does not match this login: run the login again";
  if (code === "unauthorized_client") return "allow the authorization code grant on the app client (AllowedOAuthFlows: code)";
  return "check the app client's hosted UI settings (callback URL, OAuth flows, scopes)";
}
