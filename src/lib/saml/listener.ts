import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "../context.js";
import { FailureError, InterruptedError, UsageError } from "../errors.js";
import { answerPage as answer, LOOPBACK, openBrowser, parseListen, waitForCallback } from "../loopback.js";
import { readBounded } from "../input.js";
import { normalizeSamlResponse } from "./assertion.js";
import type { SourceOptions } from "./source-options.js";
import { clipValue } from "../terminal.js";

/**
 * The posts' `/saml` endpoint, on this machine: the IdP's auto-posting form (its relying
 * party's assertion consumer URL set to http://127.0.0.1:<port>/saml) delivers the
 * SAMLResponse here, so sign-ins only a browser can do (MFA, Kerberos, smart cards) work.
 */
const MAX_BODY = 1_000_000;

export async function receiveAtListener(options: SourceOptions, ctx: Context): Promise<string> {
  const address = parseListen(options.listen!);
  const openUrl = options.open !== undefined ? checkOpenUrl(options.open) : undefined;
  const loopback = LOOPBACK.includes(address.host);
  if (!loopback) ctx.out.warn(`listening on ${address.host}: anyone who can reach it can post a SAMLResponse; prefer 127.0.0.1`);
  const timeoutSeconds = options.listenTimeout ?? 300;
  const display = `http://${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}/saml`;

  return waitForCallback<string>(ctx, {
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

  function handle(req: IncomingMessage, res: ServerResponse, done: (error: Error | undefined, value?: string) => void): void {
    const url = new URL(req.url ?? "/", "http://listener");
    if (url.pathname !== "/saml") return answer(res, 404, "Not found", `The IdP should post to ${display}.`);
    if (req.method !== "POST") return answer(res, 200, "Waiting for sign-in", `awsblog is waiting for your IdP to post the SAMLResponse here. Sign in at your IdP.`);
    const type = String(req.headers["content-type"] ?? "");
    if (!type.startsWith("application/x-www-form-urlencoded")) return answer(res, 415, "Unsupported", "Expected the IdP's form post.");
    readBounded(req, MAX_BODY, () => new Error("too large")).then(
      (body) => received(body.toString("utf8"), res, done),
      () => answer(res, 413, "Too large", "The posted form is too large."),
    );
  }
  function received(body: string, res: ServerResponse, done: (error: Error | undefined, value?: string) => void): void {
    const value = new URLSearchParams(body).get("SAMLResponse");
    if (!value) return answer(res, 400, "No SAMLResponse", "The post carried no SAMLResponse; sign in again.");
    try {
      normalizeSamlResponse(value);
    } catch {
      return answer(res, 400, "Not a SAMLResponse", "The posted SAMLResponse is not base64; sign in again.");
    }
    answer(res, 200, "Signed in", "awsblog received your sign-in. You can close this window.");
    done(undefined, value);
  }
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
