import type { IncomingMessage, ServerResponse } from "node:http";
import type { StepFunctionsApi } from "../aws/sfn.js";
import { AwsError, AwsblogError, UsageError, formatError } from "../errors.js";
import { readBounded } from "../input.js";
import type { Output } from "../output.js";
import { type Decision, type Page, confirmationPage, decidedPage, messagePage, staleTokenPage } from "./pages.js";
import { LIMITS, explainTokenError, validateLength, validateToken } from "./task-token.js";

/**
 * The post's two API Gateway methods, made safe to put in an email: GET and HEAD only show a
 * confirmation page; the page's form POSTs the decision with the token in the body.
 */
export interface ApprovalHandlerDeps {
  sfn: () => Promise<StepFunctionsApi>;
  out: Output;
  /** Which Host names the server answers to (DNS rebinding); absent = any (tests of the pages). */
  hosts?: HostPolicy;
}

/**
 * A page reached through a name the server does not know is either misdirected or a DNS
 * rebinding attack (a hostile site's name re-pointed at this address, so the browser treats
 * our pages as that site's). Accepted: the --public-url's host, IP literals on our port (a
 * literal cannot be rebound) and `localhost` when bound to loopback. X-Forwarded-Host counts
 * only with --trust-proxy (anyone can send it otherwise).
 */
export interface HostPolicy {
  /** The port actually bound. */
  port: number;
  loopback: boolean;
  publicUrl?: URL;
  trustProxy: boolean;
}

/** The host the client asked for, as the policy allows reading it; lowercased, with port. */
export function requestedHost(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? String(req.headers["x-forwarded-host"] ?? "").split(",")[0]?.trim() : "";
  const host = forwarded || req.headers.host;
  return host ? host.toLowerCase() : undefined;
}

export function hostAllowed(host: string | undefined, policy: HostPolicy): boolean {
  if (!host) return false;
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return false;
  }
  if (url.username || url.password || url.pathname !== "/" || `${url.host}` !== host.replace(/:80$/, "")) return false;
  if (policy.publicUrl && url.hostname === policy.publicUrl.hostname.toLowerCase() && (url.port === policy.publicUrl.port || !url.port)) return true;
  const port = url.port === "" ? 80 : Number(url.port);
  if (port !== policy.port) return false;
  const name = url.hostname;
  const ipLiteral = /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.startsWith("[");
  return ipLiteral || (policy.loopback && name === "localhost");
}

export const APPROVED_RESULT = '{"approved":true}';
export const REJECT_ERROR = "Rejected";
export const REJECT_CAUSE = "Rejected via the awsblog approval page";
const MAX_BODY_BYTES = 128 * 1024;

const ROUTES: Record<string, Decision> = { succeed: "approve", fail: "reject" };

const SECURITY_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  // Pages carry tokens: never cache them, never leak the URL to other sites, never frame them.
  // (same-origin rather than no-referrer: with no-referrer browsers send `Origin: null` on the
  // page's own form POST, which would look like a cross-site request.)
  "cache-control": "no-store",
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export function createApprovalHandler(deps: ApprovalHandlerDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = url.pathname.split("/").pop() ?? "";
    let page: Page;
    try {
      page = deps.hosts && !hostAllowed(requestedHost(req, deps.hosts.trustProxy), deps.hosts)
        ? messagePage(421, "Misdirected request", "This server does not answer to that host name. Open the link exactly as sent.")
        : await respond(req, url, route, deps);
    } catch (error) {
      // Only reached for bugs: keep the details (without tokens) on our side.
      deps.out.warn(`unexpected error serving ${req.method} ${url.pathname}: ${formatError(error)}`);
      page = messagePage(500, "Something went wrong", "The request could not be handled. Nothing was changed.");
    }
    const headers: Record<string, string> = { ...SECURITY_HEADERS, "content-type": page.contentType ?? SECURITY_HEADERS["content-type"] };
    if (page.status === 405) headers.allow = route === "healthz" ? "GET, HEAD" : "GET, HEAD, POST";
    res.writeHead(page.status, headers);
    res.end(req.method === "HEAD" ? undefined : page.html);
    // The path only: the query holds the token.
    deps.out.info(`${req.method} ${url.pathname} → ${page.status}`);
  };
}

async function respond(req: IncomingMessage, url: URL, route: string, deps: ApprovalHandlerDeps): Promise<Page> {
  const method = req.method ?? "GET";
  if (route === "healthz") {
    return method === "GET" || method === "HEAD" ? { status: 200, html: "ok\n", contentType: "text/plain; charset=utf-8" } : messagePage(405, "Method not allowed", "Use GET.");
  }
  const decision = ROUTES[route];
  if (!decision) return messagePage(404, "Not found", "Approval links end in /succeed or /fail.");
  if (method === "GET" || method === "HEAD") return confirm(decision, url.searchParams.get("taskToken"));
  if (method === "POST") return decide(decision, req, deps);
  return messagePage(405, "Method not allowed", "Open the link in a browser and use the button.");
}

function confirm(decision: Decision, token: string | null): Page {
  if (!token) return messagePage(400, "No task token", "This link has no taskToken. Open the link from the email exactly as sent.");
  try {
    validateToken(token);
  } catch (error) {
    return messagePage(400, "Not a valid link", (error as UsageError).message);
  }
  return confirmationPage(decision, token);
}

async function decide(decision: Decision, req: IncomingMessage, deps: ApprovalHandlerDeps): Promise<Page> {
  if (crossSite(req, deps.hosts)) return messagePage(403, "Refused", "The decision must be sent from the approval page itself.");
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers["content-type"] ?? "")) {
    return messagePage(415, "Unsupported form", "Send the decision with the approval page's button.");
  }
  const body = await readBody(req);
  if (body === undefined) return messagePage(413, "Too large", "The form is larger than an approval needs.");
  const form = new URLSearchParams(body);
  const token = form.get("taskToken") ?? "";
  let cause = REJECT_CAUSE;
  try {
    validateToken(token);
    const reason = (form.get("reason") ?? "").trim();
    if (decision === "reject" && reason) cause = validateLength(reason, "the reason", LIMITS.causeChars);
  } catch (error) {
    return messagePage(400, "Not sent", (error as UsageError).message);
  }
  try {
    const sfn = await deps.sfn();
    if (decision === "approve") await sfn.sendTaskSuccess(token, APPROVED_RESULT);
    else await sfn.sendTaskFailure(token, REJECT_ERROR, cause);
  } catch (raw) {
    return failurePage(decision, explainTokenError(raw), token, deps.out);
  }
  deps.out.line({ event: "decided", action: decision, ok: true }, `${decision === "approve" ? "approved" : "rejected"} a task`);
  return decidedPage(decision, REJECT_ERROR);
}

function failurePage(decision: Decision, error: unknown, token: string, out: Output): Page {
  const code = error instanceof AwsError ? error.code : "Error";
  // AWS messages may quote the token back: scrub it before anything is logged.
  const message = formatError(error).split(token).join("***");
  out.line({ event: "decided", action: decision, ok: false, error: code }, `${decision} failed: ${message}`);
  if (error instanceof AwsError && ["TaskDoesNotExist", "InvalidToken", "TaskTimedOut"].includes(error.code)) return staleTokenPage(code);
  const hint = error instanceof AwsblogError ? `Step Functions could not be reached or refused the call (${code}).` : "Unexpected error.";
  return messagePage(502, "Not decided", `${hint} Nothing was changed; try again later.`);
}

/**
 * Browsers say where a form came from. A POST from another site (a page trying to decide on
 * the user's behalf) is refused. Sec-Fetch-Site is trusted when present (every current
 * browser sends it); otherwise Origin must name this host. Clients that send neither (curl,
 * scripts) are allowed: they need the token anyway.
 */
function crossSite(req: IncomingMessage, hosts: HostPolicy | undefined): boolean {
  const site = req.headers["sec-fetch-site"];
  if (site) return site !== "same-origin" && site !== "none";
  const origin = req.headers.origin;
  if (!origin) return false;
  if (origin === "null") return true;
  const host = requestedHost(req, hosts?.trustProxy ?? false) ?? "";
  try {
    const from = new URL(origin).host.toLowerCase();
    return from !== host && from !== hosts?.publicUrl?.host.toLowerCase();
  } catch {
    return true;
  }
}

/** The posted form, or undefined when it is larger than an approval form can be. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const tooLarge = new Error("too large");
  try {
    return (await readBounded(req, MAX_BODY_BYTES, () => tooLarge)).toString("utf8");
  } catch (error) {
    if (error === tooLarge) return undefined;
    throw error;
  }
}
