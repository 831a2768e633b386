import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "../context.js";
import { FailureError, InterruptedError, UsageError } from "../errors.js";
import { answerPage as answer, LOOPBACK, openBrowser, parseListen, waitForCallback } from "../loopback.js";
import { readBounded } from "../input.js";
import { createHash, timingSafeEqual } from "node:crypto";
import { escapeHtml, htmlDocument } from "../approval/html.js";
import { normalizeSamlResponse, parseSamlResponse } from "./assertion.js";
import type { SamlRole } from "./roles.js";
import type { SourceOptions } from "./source-options.js";
import { clipValue } from "../terminal.js";

/**
 * The posts' `/saml` endpoint, on this machine: the IdP's auto-posting form (its relying
 * party's assertion consumer URL set to http://127.0.0.1:<port>/saml) delivers the
 * SAMLResponse here, so sign-ins only a browser can do (MFA, Kerberos, smart cards) work.
 */
const MAX_BODY = 1_000_000;

/** What the listener hands back: the form value, and the role the user picked on the confirmation page. */
export interface ListenerResult {
  value: string;
  roleArn?: string;
}

/** Posts waiting for the user's click; a page that posts over and over cannot grow this without bound. */
const MAX_PENDING = 20;

interface Pending {
  value: string;
  roles: SamlRole[];
}

type Done = (error: Error | undefined, value?: ListenerResult) => void;

export async function receiveAtListener(options: SourceOptions, ctx: Context): Promise<ListenerResult> {
  const address = parseListen(options.listen!);
  const openUrl = options.open !== undefined ? checkOpenUrl(options.open) : undefined;
  // The IdP's origins: a SAMLResponse posted from any other page is refused (login CSRF).
  const idpOrigins = new Set([...(openUrl ? [openUrl.origin] : []), ...(options.idpOrigin ?? []).map(checkIdpOrigin)]);
  const loopback = LOOPBACK.includes(address.host);
  if (!loopback) ctx.out.warn(`listening on ${address.host}: anyone who can reach it can post a SAMLResponse; prefer 127.0.0.1`);
  const timeoutSeconds = options.listenTimeout ?? 300;
  const display = `http://${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}/saml`;
  // The confirmation form's secret: only a page this listener served can carry it.
  const secret = ctx.services.randomBytes(32).toString("base64url");
  const pending = new Map<string, Pending>();

  return waitForCallback<ListenerResult>(ctx, {
    address,
    timeoutSeconds,
    timedOut: () => new FailureError(`no SAMLResponse arrived at ${display} within ${timeoutSeconds} s`, "check the IdP's AWS relying party posts to this address, or raise --listen-timeout"),
    interrupted: () => new InterruptedError("interrupted while waiting for the IdP"),
    listenHint: "pick another port with --listen 127.0.0.1:<port>",
    onListening: () => {
      ctx.out.info(`Waiting for the IdP to post the SAMLResponse to ${display} (Ctrl-C to stop)`);
      if (openUrl) openBrowser(openUrl, ctx);
    },
    handle,
  });

  function handle(req: IncomingMessage, res: ServerResponse, done: Done): void {
    const url = new URL(req.url ?? "/", "http://listener");
    if (url.pathname !== "/saml" && url.pathname !== "/saml/confirm") return answer(res, 404, "Not found", `The IdP should post to ${display}.`);
    if (req.method !== "POST") return answer(res, 200, "Waiting for sign-in", `awsblog is waiting for your IdP to post the SAMLResponse here. Sign in at your IdP.`);
    const type = String(req.headers["content-type"] ?? "");
    if (!type.startsWith("application/x-www-form-urlencoded")) return answer(res, 415, "Unsupported", "Expected the IdP's form post.");
    readBounded(req, MAX_BODY, () => new Error("too large")).then(
      (body) => {
        const form = new URLSearchParams(body.toString("utf8"));
        if (url.pathname === "/saml") received(form, req, res, done);
        else confirmed(form, req, res, done);
      },
      () => answer(res, 413, "Too large", "The posted form is too large."),
    );
  }

  function received(form: URLSearchParams, req: IncomingMessage, res: ServerResponse, done: Done): void {
    const value = form.get("SAMLResponse");
    if (!value) return answer(res, 400, "No SAMLResponse", "The post carried no SAMLResponse; sign in again.");
    try {
      normalizeSamlResponse(value);
    } catch {
      return answer(res, 400, "Not a SAMLResponse", "The posted SAMLResponse is not base64; sign in again.");
    }
    const origin = req.headers.origin;
    const known = origin !== undefined && origin !== "null";
    if (known && idpOrigins.has(origin)) {
      answer(res, 200, "Signed in", "awsblog received your sign-in. You can close this window.");
      return done(undefined, { value });
    }
    if (known && idpOrigins.size > 0) {
      ctx.out.warn(`refused a SAMLResponse posted from ${clipValue(origin, 100)}, not from the IdP (${[...idpOrigins].join(", ")}); still waiting`);
      return send(res, 403, htmlDocument("Refused", `<h1>Refused</h1><p>This sign-in was posted from <code>${escapeHtml(origin)}</code>, not from your IdP. awsblog did not use it. If that is your IdP, run again with <code>--idp-origin ${escapeHtml(origin)}</code>.</p>`));
    }
    // No IdP known, or a browser that hid the origin: the user confirms what it grants.
    let roles: SamlRole[];
    try {
      roles = parseSamlResponse(value, ctx.now()).roles;
    } catch (error) {
      return send(res, 400, htmlDocument("Not usable", `<h1>Not usable</h1><p>${escapeHtml(error instanceof Error ? error.message : "The SAMLResponse cannot be used")}. Sign in again.</p>`));
    }
    const id = ctx.services.randomBytes(12).toString("base64url");
    pending.set(id, { value, roles });
    if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!);
    ctx.out.info(`A SAMLResponse arrived from ${known ? clipValue(origin, 100) : "a page that did not say where it came from"}: confirm it in the browser`);
    send(res, 200, confirmationPage({ id, secret, roles, origin: known ? origin : undefined, choose: Boolean(options.offerRoleChoice) && roles.length > 1 }));
  }

  function confirmed(form: URLSearchParams, req: IncomingMessage, res: ServerResponse, done: Done): void {
    const ownOrigin = `http://${req.headers.host}`;
    const site = req.headers["sec-fetch-site"];
    if (req.headers.origin !== ownOrigin || (site !== undefined && site !== "same-origin") || !sameSecret(form.get("secret") ?? "", secret)) {
      ctx.out.warn("refused a confirmation that did not come from the listener's own page; still waiting");
      return answer(res, 403, "Refused", "This confirmation did not come from awsblog's own page. Nothing was used.");
    }
    const entry = pending.get(form.get("pending") ?? "");
    if (!entry) return answer(res, 410, "Expired", "This sign-in is no longer waiting; sign in again.");
    const roleArn = form.get("role") ?? undefined;
    if (roleArn !== undefined && !entry.roles.some((r) => r.roleArn === roleArn)) return answer(res, 400, "Unknown role", "Choose one of the listed roles.");
    answer(res, 200, "Signed in", "awsblog received your sign-in. You can close this window.");
    done(undefined, { value: entry.value, ...(roleArn ? { roleArn } : {}) });
  }
}

/** Equal-time comparison: the secret's bytes do not leak through how long a refusal takes. */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest());
}

function checkIdpOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--idp-origin "${clipValue(value, 80)}" is not an origin`, "pass scheme://host[:port], e.g. https://adfs.example.com");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.origin === "null") {
    throw new UsageError(`--idp-origin "${clipValue(value, 80)}" is not an http(s) origin`, "pass scheme://host[:port], e.g. https://adfs.example.com");
  }
  return url.origin;
}

function confirmationPage(p: { id: string; secret: string; roles: SamlRole[]; origin?: string; choose: boolean }): string {
  const from = p.origin ? `from <code>${escapeHtml(p.origin)}</code>` : "from a page that did not say where it came from";
  const rows = p.roles
    .map((r, i) => {
      const pick = p.choose ? `<td><input type="radio" name="role" id="role${i}" value="${escapeHtml(r.roleArn)}" required></td>` : "";
      return `<tr>${pick}<td><label for="role${i}">${escapeHtml(r.accountId)}</label></td><td><label for="role${i}">${escapeHtml(r.roleName)}</label></td></tr>`;
    })
    .join("");
  return htmlDocument(
    "Use this sign-in?",
    `<h1>Use this sign-in?</h1>
<p>A SAML sign-in was posted to awsblog ${from}. It grants:</p>
<table id="roles">${rows}</table>
<p>Continue only if you just started <code>awsblog saml</code> on this computer and signed in at your IdP. A page you did not start could be trying to sign your tools in to someone else's account.</p>
<form method="post" action="/saml/confirm">
<input type="hidden" name="pending" value="${escapeHtml(p.id)}">
<input type="hidden" name="secret" value="${escapeHtml(p.secret)}">
<button type="submit" class="approve" id="confirm">Use this sign-in</button>
</form>`,
  );
}

/** The binding's pages: never framed (clickjacking), forms only back here, and an Origin on the confirmation post. */
function send(res: ServerResponse, status: number, html: string): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" even to this page's own form.
    "referrer-policy": "same-origin",
    connection: "close",
  });
  res.end(html);
}

function checkOpenUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--open "${clipValue(value, 80)}" is not a URL`, "pass the IdP's sign-on page, e.g. https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--open needs an http(s) URL, got ${clipValue(url.protocol, 20)}`, "pass the IdP's https:// sign-on page");
  return url;
}
