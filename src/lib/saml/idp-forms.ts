import { createSecretInput } from "../cognito/secret-input.js";
import type { Context } from "../context.js";
import { FailureError, InterruptedError, UsageError } from "../errors.js";
import { readBounded } from "../input.js";
import { redactSecrets } from "../redact.js";
import { clip } from "./assertion.js";
import { deadline, limitsFrom, requestBudgetMs, seconds } from "../deadline.js";
import { errorText, parseForms, type HtmlForm, type HtmlInput } from "./html-forms.js";
import type { SourceOptions } from "./source-options.js";
import { openTerminal, type Terminal } from "./terminal.js";

/**
 * Forms sign-in at the IdP, as a browser without JavaScript would do it: fetch the sign-on
 * page, fill the form that has a password field (AD FS's "Sign in" is a <span> running script,
 * so we post the form ourselves), keep its hidden fields and the IdP's cookies, follow
 * redirects and auto-posting pages, and stop at the page carrying the SAMLResponse.
 */
const MAX_STEPS = 15;
const USER_FIELD = /user|login|email|account|principal|ident/i;

export async function signInWithForms(options: SourceOptions, ctx: Context): Promise<string> {
  const start = checkIdpUrl(options.idpUrl!);
  // Every input is gathered before the first request: a missing password sends nothing.
  const terminal = options.passwordStdin ? undefined : openTerminal(ctx, Boolean(options.promptOnControllingTerminal));
  let username: string;
  let password: string;
  try {
    username = await readUsername(options, ctx, terminal);
    password = await createSecretInput({
      passwordStdin: options.passwordStdin,
      env: ctx.env,
      stdin: terminal?.input ?? ctx.stdin,
      prompt: terminal && ((question, hidden) => ctx.services.prompt(question, { input: terminal.input, output: terminal.output, hidden })),
    }).password();
  } finally {
    terminal?.close();
  }
  const browser = new FormBrowser(ctx, [password]);
  // IdP pages echo what was typed ("Password 'x' is not valid"): quoted with the password hidden.
  const quotedError = (html: string) => browser.quotedError(html);

  let page = await browser.request("GET", start);
  let submittedUsername = false;
  let submittedCredentials = false;
  for (let step = 0; step < MAX_STEPS; step++) {
    const forms = parseForms(page.html);
    const saml = forms.flatMap((f) => f.inputs).find((i) => i.name === "SAMLResponse" && i.value);
    if (saml) return saml.value;
    const login = forms.find((f) => f.inputs.some((i) => i.type === "password"));
    if (login) {
      if (submittedCredentials) {
        const message = quotedError(page.html);
        throw new FailureError(
          `the IdP refused the sign-in${message ? `: ${clip(message, 200)}` : ""}`,
          "check the user name (AD FS: DOMAIN\\user or user@domain) and the password",
        );
      }
      submittedCredentials = true;
      page = await browser.submit(page.url, login, fillLogin(login, username, password));
      continue;
    }
    // An intermediate page that only posts itself onwards (hidden fields, script submit).
    const onward = forms.find((f) => f.inputs.length > 0 && f.inputs.every((i) => i.type === "hidden" || i.type === "submit"));
    if (onward) {
      page = await browser.submit(page.url, onward, hiddenFields(onward));
      continue;
    }
    const visible = forms.find((f) => f.inputs.some(isTextInput));
    if (visible && submittedCredentials) {
      // A second factor (code, push approval page) — a person with a browser must do it.
      const message = quotedError(page.html);
      throw new FailureError(
        `the IdP asks for more than a password after sign-in (MFA?)${message ? `: ${clip(message, 200)}` : ""}`,
        "sign in with the browser instead: --listen 127.0.0.1:<port> --open <the same URL>",
      );
    }
    // Username first, password on the next page (AD FS 2019 paginated sign-in, many IdPs).
    const userFirst = visible && !submittedUsername ? userField(visible) : undefined;
    if (visible && userFirst) {
      submittedUsername = true;
      page = await browser.submit(page.url, visible, { ...hiddenFields(visible), ...submitButton(visible), [userFirst.name]: username });
      continue;
    }
    if (visible && submittedUsername) {
      const message = quotedError(page.html);
      throw new FailureError(`the IdP did not take the user name${message ? `: ${clip(message, 200)}` : ""}`, "check --username (AD FS: DOMAIN\\user or user@domain)");
    }
    const message = quotedError(page.html);
    throw new FailureError(
      `the IdP's page at ${describeUrl(page.url)} has no sign-in form and no SAMLResponse${message ? ` (${clip(message, 200)})` : ""}`,
      "check --idp-url: for AD FS it is https://<host>/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices; browser-only sign-ins (MFA, Kerberos) work with --listen --open",
    );
  }
  throw new FailureError(`the IdP sign-in took more than ${MAX_STEPS} pages`, "sign in with the browser instead: --listen 127.0.0.1:<port> --open <url>");
}

export function checkIdpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--idp-url "${clip(value, 80)}" is not a URL`, "pass the IdP's sign-on page, e.g. https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices");
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new UsageError(`--idp-url must be https (got ${clip(url.protocol, 20)}); a password is never sent in clear text`, "use the https:// address of the IdP's sign-on page");
  }
  return url;
}

async function readUsername(options: SourceOptions, ctx: Context, terminal: Terminal | undefined): Promise<string> {
  const given = options.username ?? ctx.env.AWSBLOG_SAML_USERNAME;
  if (given !== undefined) {
    if (given.trim() === "") throw new UsageError("the user name is empty", "pass --username or set AWSBLOG_SAML_USERNAME");
    return given;
  }
  if (!terminal) throw new UsageError("no user name given for --idp-url", "pass --username <user> or set AWSBLOG_SAML_USERNAME");
  const typed = (await ctx.services.prompt("Username: ", { input: terminal.input, output: terminal.output, hidden: false })).trim();
  if (!typed) throw new UsageError("the user name is empty", "pass --username or set AWSBLOG_SAML_USERNAME");
  return typed;
}

/** Hidden fields as served, the user and password filled in; a named submit button as a browser would. */
function fillLogin(form: HtmlForm, username: string, password: string): Record<string, string> {
  const fields: Record<string, string> = { ...hiddenFields(form), ...submitButton(form) };
  const user = userField(form);
  if (user) fields[user.name] = username;
  fields[form.inputs.find((i) => i.type === "password")!.name] = password;
  return fields;
}

function isTextInput(input: HtmlInput): boolean {
  return ["text", "email", "tel", "number", ""].includes(input.type);
}

/** The text/email input named like a user field, else the first one (AD FS: UserName). */
function userField(form: HtmlForm): HtmlInput | undefined {
  const text = form.inputs.filter((i) => i.type === "text" || i.type === "email" || i.type === "");
  return text.find((i) => USER_FIELD.test(i.name) || USER_FIELD.test(i.id ?? "")) ?? text[0];
}

function hiddenFields(form: HtmlForm): Record<string, string> {
  return Object.fromEntries(form.inputs.filter((i) => i.type === "hidden").map((i) => [i.name, i.value]));
}

function submitButton(form: HtmlForm): Record<string, string> {
  const submit = form.inputs.find((i) => i.type === "submit");
  return submit ? { [submit.name]: submit.value } : {};
}

/** A sign-in page is tens of KB; an IdP that keeps sending is cut off here, not buffered. */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

async function readPage(response: Response, url: URL): Promise<string> {
  if (!response.body) return "";
  const bytes = await readBounded(response.body, MAX_PAGE_BYTES, (limit) => new FailureError(`the IdP's page at ${describeUrl(url)} is larger than ${limit}`, "check --idp-url: that is not a sign-in page"));
  return bytes.toString("utf8");
}

function describeUrl(url: URL): string {
  return clip(`${url.origin}${url.pathname}`, 120);
}

interface Page {
  url: URL;
  status: number;
  html: string;
}

/** fetch with a cookie jar per host, manual redirects, a timeout per request and Ctrl-C. */
class FormBrowser {
  private readonly jar = new Map<string, Map<string, string>>();
  constructor(
    private readonly ctx: Context,
    private readonly secrets: readonly string[] = [],
  ) {}

  /** The page's error message, if any, with what we submitted (the password) replaced by ***. */
  quotedError(html: string): string | undefined {
    const message = errorText(html);
    return message === undefined ? undefined : redactSecrets(message, this.secrets);
  }

  submit(base: URL, form: HtmlForm, fields: Record<string, string>): Promise<Page> {
    const target = new URL(form.action || base.href, base);
    if (target.protocol !== "https:" && target.protocol !== "http:") {
      throw new FailureError(`the IdP's form posts to an unsupported address (${clip(target.protocol, 20)})`, "sign in with the browser: --listen --open");
    }
    if (base.protocol === "https:" && target.protocol !== "https:") {
      throw new FailureError(`the IdP's form would send the password without TLS to ${describeUrl(target)}`, "ask the IdP admin to fix the form action; refusing to send it");
    }
    const body = new URLSearchParams(fields).toString();
    if (form.method === "post") return this.request("POST", target, body);
    target.search = body;
    return this.request("GET", target);
  }

  async request(method: "GET" | "POST", url: URL, body?: string): Promise<Page> {
    let current = url;
    let currentMethod = method;
    let currentBody = body;
    for (let hop = 0; hop < 10; hop++) {
      const { response, html, location } = await this.fetchOnce(currentMethod, current, currentBody);
      this.store(current, response.headers);
      if (location) {
        const next = new URL(location, current);
        if (current.protocol === "https:" && next.protocol !== "https:") {
          throw new FailureError(`the IdP redirected from https to ${describeUrl(next)}`, "check --idp-url; refusing to follow a downgrade");
        }
        if (response.status !== 307 && response.status !== 308) {
          currentMethod = "GET";
          currentBody = undefined;
        }
        current = next;
        continue;
      }
      if (response.status >= 400 && !/<form/i.test(html)) {
        const message = this.quotedError(html);
        throw new FailureError(`the IdP answered HTTP ${response.status} at ${describeUrl(current)}${message ? `: ${clip(message, 200)}` : ""}`, "check --idp-url, or try the sign-in in a browser");
      }
      return { url: current, status: response.status, html };
    }
    throw new FailureError("the IdP redirected more than 10 times", "check --idp-url, or sign in with --listen --open");
  }

  /**
   * One request and its whole answer under one total deadline: an IdP that drips its page a
   * byte at a time must not hold the sign-in past the limit (a per-read timeout restarts with
   * every byte).
   */
  private async fetchOnce(method: string, url: URL, body?: string): Promise<{ response: Response; html: string; location?: string }> {
    const limit = idpRequestMs(this.ctx);
    const timer = deadline(limit, this.ctx.signal);
    const started = Date.now();
    try {
      const headers: Record<string, string> = { "user-agent": "awsblog (SAML forms sign-in)", accept: "text/html,application/xhtml+xml" };
      const cookie = this.cookieHeader(url);
      if (cookie) headers.cookie = cookie;
      if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
      const response = await this.ctx.services.fetch(url, { method, headers, body, redirect: "manual", signal: timer.signal });
      const location = response.status >= 300 && response.status < 400 ? (response.headers.get("location") ?? undefined) : undefined;
      let html = "";
      if (location) await response.body?.cancel();
      else html = await readPage(response, url);
      this.ctx.out.debug(() => `→ IdP ${method} ${describeUrl(url)} ${response.status} in ${Date.now() - started} ms`);
      return { response, html, location };
    } catch (error) {
      if (this.ctx.signal.aborted) throw new InterruptedError("interrupted during the IdP sign-in");
      if (error instanceof FailureError) throw error; // a page past its size limit
      if (timer.expired) {
        throw new FailureError(
          `the IdP did not answer within ${seconds(limit)} (${describeUrl(url)})`,
          "check --idp-url and your network (VPN?); --cli-read-timeout (or AWSBLOG_SAML_TIMEOUT) sets the limit",
        );
      }
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new FailureError(`could not reach the IdP at ${describeUrl(url)} (${clip(String(code), 40)})`, "check --idp-url and your network (VPN?)", { cause: error });
    } finally {
      timer.dispose();
    }
  }

  private store(url: URL, headers: Headers): void {
    const cookies = headers.getSetCookie?.() ?? [];
    if (!cookies.length) return;
    const jar = this.jar.get(url.host) ?? new Map<string, string>();
    for (const line of cookies) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a) || (/^\s*expires\s*=/i.test(a) && new Date(a.split("=")[1]!.trim()).getTime() < Date.now()));
      if (expired || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    this.jar.set(url.host, jar);
  }

  private cookieHeader(url: URL): string {
    const jar = this.jar.get(url.host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  }
}

/**
 * The total time one IdP request may take, its page included: connect + read from the flags;
 * AWSBLOG_SAML_TIMEOUT (seconds, 1–600) sets it when --cli-read-timeout is not given.
 */
export function idpRequestMs(ctx: Pick<Context, "globals" | "env">): number {
  const raw = ctx.env.AWSBLOG_SAML_TIMEOUT?.trim();
  const override = raw !== undefined && /^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 600 ? Number(raw) * 1000 : undefined;
  return requestBudgetMs(limitsFrom(ctx.globals), { readFlagGiven: ctx.globals.readTimeout !== undefined, overrideMs: override });
}
