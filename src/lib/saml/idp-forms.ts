import { createSecretInput, type SecretInput } from "../cognito/secret-input.js";
import type { Context } from "../context.js";
import { FailureError, InterruptedError, UsageError } from "../errors.js";
import { readBounded } from "../input.js";
import { redactSecrets } from "../redact.js";
import { deadline, limitsFrom, requestBudgetMs, seconds } from "../deadline.js";
import { errorText, labelText, metaRefresh, parseForms, scriptDelay, type HtmlForm, type HtmlInput } from "./html-forms.js";
import type { SourceOptions } from "./source-options.js";
import { createIdpSessions, SESSION_COOKIE_MS, type StoredCookie } from "./idp-session.js";
import { openTerminal, type Terminal } from "./terminal.js";
import { clipValue } from "../terminal.js";

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
  const sessions = createIdpSessions(ctx.env);
  const givenUser = options.username ?? ctx.env.AWSBLOG_SAML_USERNAME;
  const saved = await sessions.load(start.origin, givenUser, ctx.now());
  const browser = new FormBrowser(ctx, saved?.cookies);
  // stdin holds the password (--password-stdin) and then the code (--mfa-code -), a line each.
  const stdinSecrets = createSecretInput({ passwordStdin: options.passwordStdin, env: ctx.env, stdin: ctx.stdin });
  let credentials: { username: string; password: string } | undefined;
  const signInCredentials = async () => {
    if (!credentials) {
      credentials = await readCredentials(options, ctx, stdinSecrets);
      browser.addSecret(credentials.password);
    }
    return credentials;
  };
  // Without a saved IdP session every input is gathered before the first request: a missing
  // password sends nothing. With one, nothing is asked until the IdP shows a login form.
  if (!saved) await signInCredentials();
  else ctx.out.debug(`IdP session from ${saved.savedAt} (${saved.cookies.length} cookies)`);
  // IdP pages echo what was typed ("Password 'x' is not valid"): quoted with the password hidden.
  const quotedError = (html: string) => browser.quotedError(html);
  const done = async (response: string) => {
    // The sign-in worked: a session that cannot be kept costs the next run a password, not this one.
    await sessions
      .save({ version: 1, origin: start.origin, username: credentials?.username ?? saved?.username, savedAt: ctx.now().toISOString(), cookies: browser.cookies() })
      .catch((error: Error) => ctx.out.warn(`the IdP session was not kept: ${error.message}`));
    return response;
  };

  let page = await browser.request("GET", start);
  let submittedUsername = false;
  let submittedCredentials = false;
  let submittedCode = false;
  let lastOnward: string | undefined;
  const approval = new ApprovalWait(ctx, (options.mfaTimeout ?? DEFAULT_MFA_TIMEOUT_S) * 1000);
  try {
    for (let step = 0; step < MAX_STEPS; step++) {
      const forms = parseForms(page.html);
      const saml = forms.flatMap((f) => f.inputs).find((i) => i.name === "SAMLResponse" && i.value);
      if (saml) return await done(saml.value);
      // A second factor: after the password, a form whose one visible input asks for a code.
      const codeForm = submittedCredentials ? forms.find((f) => codeInput(f, page.html)) : undefined;
      if (codeForm) {
        if (submittedCode) throw codeRefused(quotedError(page.html));
        const code = await readCode(options, ctx, stdinSecrets);
        browser.addSecret(code);
        submittedCode = true;
        page = await browser.submit(page.url, codeForm, { ...hiddenFields(codeForm), ...submitButton(codeForm), [codeInput(codeForm, page.html)!.name]: code });
        continue;
      }
      const login = forms.find((f) => f.inputs.some((i) => i.type === "password"));
      if (login) {
        const { username, password } = await signInCredentials();
        if (submittedCredentials) {
          const message = quotedError(page.html);
          throw new FailureError(
            `the IdP refused the sign-in${message ? `: ${clipValue(message, 200)}` : ""}`,
            "check the user name (AD FS: DOMAIN\\user or user@domain) and the password",
          );
        }
        submittedCredentials = true;
        page = await browser.submit(page.url, login, fillLogin(login, username, password));
        continue;
      }
      // An intermediate page that only posts itself onwards (hidden fields, script submit). The
      // same one again after the password is a push approval still waiting: polled, not counted.
      const onward = forms.find((f) => f.inputs.length > 0 && f.inputs.every((i) => i.type === "hidden" || i.type === "submit"));
      if (onward) {
        const signature = `${onward.action ?? ""} ${onward.inputs.map((i) => i.name).join(",")}`;
        if (submittedCredentials && signature === lastOnward) {
          await approval.wait(pollDelay(page.html));
          step--;
        }
        lastOnward = signature;
        page = await browser.submit(page.url, onward, hiddenFields(onward));
        continue;
      }
      const refresh = forms.length === 0 ? metaRefresh(page.html) : undefined;
      if (refresh && submittedCredentials) {
        await approval.wait(pollDelay(page.html));
        step--;
        page = await browser.request("GET", new URL(refresh.url ?? page.url.href, page.url));
        continue;
      }
      const visible = forms.find((f) => f.inputs.some(isTextInput));
      if (visible && submittedCredentials) {
        // Neither a code page nor a push page we can tell: a person with a browser must do it.
        const message = quotedError(page.html);
        throw new FailureError(
          `the IdP asks for more than a password after sign-in${message ? `: ${clipValue(message, 200)}` : ""}`,
          "sign in with the browser instead: --listen 127.0.0.1:<port> --open <the same URL>",
        );
      }
      // Username first, password on the next page (AD FS 2019 paginated sign-in, many IdPs).
      const userFirst = visible && !submittedUsername ? userField(visible) : undefined;
      if (visible && userFirst) {
        const { username } = await signInCredentials();
        submittedUsername = true;
        page = await browser.submit(page.url, visible, { ...hiddenFields(visible), ...submitButton(visible), [userFirst.name]: username });
        continue;
      }
      if (visible && submittedUsername) {
        const message = quotedError(page.html);
        throw new FailureError(`the IdP did not take the user name${message ? `: ${clipValue(message, 200)}` : ""}`, "check --username (AD FS: DOMAIN\\user or user@domain)");
      }
      const message = quotedError(page.html);
      // After the code, a page with no form at all is the IdP's verdict on the code (LemonLDAP::NG
      // answers a wrong TOTP code with an error page whose message only script fills in).
      if (submittedCode && forms.length === 0) throw codeRefused(message);
      if (submittedCredentials && forms.length === 0 && message) {
        // A denied push, a locked account: the IdP's own words.
        throw new FailureError(`the IdP refused the sign-in: ${clipValue(message, 200)}`, "the IdP's message says why; run again once it is resolved, or sign in with the browser: --listen --open");
      }
      throw new FailureError(
        `the IdP's page at ${describeUrl(page.url)} has no sign-in form and no SAMLResponse${message ? ` (${clipValue(message, 200)})` : ""}`,
        "check --idp-url: for AD FS it is https://<host>/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices; browser-only sign-ins (MFA, Kerberos) work with --listen --open",
      );
    }
  } finally {
    approval.stop();
  }
  throw new FailureError(`the IdP sign-in took more than ${MAX_STEPS} pages`, "sign in with the browser instead: --listen 127.0.0.1:<port> --open <url>");
}

function codeRefused(message: string | undefined): FailureError {
  return new FailureError(`the IdP refused the one-time code${message ? `: ${clipValue(message, 200)}` : ""}`, "check the code (authenticator codes change every 30 s) and run again");
}

/** `--mfa-timeout`'s default: two minutes to find the phone. */
export const DEFAULT_MFA_TIMEOUT_S = 120;
const CODE_FIELD = /code|otp|token|verif|passcode|totp|mfa|2fa|\bpin\b/i;
const NOT_TYPED = new Set(["hidden", "submit", "button", "checkbox", "radio", "image", "reset"]);

/** The form's one visible input, when its name, id or label asks for a code. */
function codeInput(form: HtmlForm, html: string): HtmlInput | undefined {
  const typed = form.inputs.filter((i) => !NOT_TYPED.has(i.type));
  if (typed.length !== 1) return undefined;
  const input = typed[0]!;
  const label = input.id ? labelText(html, input.id) : undefined;
  return [input.name, input.id ?? "", label ?? ""].some((text) => CODE_FIELD.test(text)) ? input : undefined;
}

/** The code: --mfa-code, `--mfa-code -` (stdin), AWSBLOG_MFA_CODE, else a prompt on the terminal. */
async function readCode(options: SourceOptions, ctx: Context, stdinSecrets: SecretInput): Promise<string> {
  const given = options.mfaCode === "-" ? await stdinSecrets.line("--mfa-code -") : (options.mfaCode ?? ctx.env.AWSBLOG_MFA_CODE);
  if (given !== undefined) {
    if (given.trim() === "") throw new UsageError("the one-time code is empty", "pass --mfa-code <code> or set AWSBLOG_MFA_CODE");
    return given.trim();
  }
  const terminal = openTerminal(ctx, Boolean(options.promptOnControllingTerminal));
  if (!terminal) {
    throw new UsageError("the IdP asks for a one-time code and there is no terminal to ask on", "pass --mfa-code <code> (- reads it from stdin) or set AWSBLOG_MFA_CODE");
  }
  try {
    const typed = (await ctx.services.prompt("Verification code: ", { input: terminal.input, output: terminal.output, hidden: false })).trim();
    if (!typed) throw new UsageError("the one-time code is empty", "run again and type the code from your authenticator app");
    return typed;
  } finally {
    terminal.close();
  }
}

/** How long a waiting page asks to wait before it posts itself again: 1–10 s, 2 s when it does not say. */
function pollDelay(html: string): number {
  const asked = metaRefresh(html)?.delayMs ?? scriptDelay(html) ?? 2000;
  return Math.min(10_000, Math.max(1000, asked));
}

/**
 * Waiting for a push approval: a spinner on a terminal (a note otherwise), polite pauses
 * between polls, Ctrl-C, and --mfa-timeout as the one deadline.
 */
class ApprovalWait {
  private started: number | undefined;
  private spinner: { stop(): void } | undefined;
  constructor(
    private readonly ctx: Context,
    private readonly limitMs: number,
  ) {}

  async wait(ms: number): Promise<void> {
    const { ctx } = this;
    if (this.started === undefined) {
      this.started = ctx.services.monotonicNow();
      const text = `waiting for the sign-in approval on your phone (up to ${seconds(this.limitMs)}; Ctrl-C to stop)…`;
      if (ctx.out.interactive) this.spinner = ctx.out.spinner(text);
      else ctx.out.info(text);
    }
    const left = this.limitMs - (ctx.services.monotonicNow() - this.started);
    if (left <= 0) {
      throw new FailureError(`the sign-in was not approved within ${seconds(this.limitMs)}`, "approve the request on your phone and run again, or give more time with --mfa-timeout <s>");
    }
    await ctx.services.sleep(Math.min(ms, left), ctx.signal);
    if (ctx.signal.aborted) throw new InterruptedError("interrupted while waiting for the sign-in approval");
  }

  stop(): void {
    this.spinner?.stop();
  }
}

/** The user name and password, asked for (or read) once per sign-in. */
async function readCredentials(options: SourceOptions, ctx: Context, stdinSecrets: SecretInput): Promise<{ username: string; password: string }> {
  const terminal = options.passwordStdin ? undefined : openTerminal(ctx, Boolean(options.promptOnControllingTerminal));
  try {
    const username = await readUsername(options, ctx, terminal);
    if (options.passwordStdin) return { username, password: await stdinSecrets.password() };
    const password = await createSecretInput({
      passwordStdin: options.passwordStdin,
      env: ctx.env,
      stdin: terminal?.input ?? ctx.stdin,
      prompt: terminal && ((question, hidden) => ctx.services.prompt(question, { input: terminal.input, output: terminal.output, hidden })),
    }).password();
    return { username, password };
  } finally {
    terminal?.close();
  }
}

export function checkIdpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--idp-url "${clipValue(value, 80)}" is not a URL`, "pass the IdP's sign-on page, e.g. https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices");
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new UsageError(`--idp-url must be https (got ${clipValue(url.protocol, 20)}); a password is never sent in clear text`, "use the https:// address of the IdP's sign-on page");
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
  return clipValue(`${url.origin}${url.pathname}`, 120);
}

interface Page {
  url: URL;
  status: number;
  html: string;
}

/** fetch with a cookie jar per host, manual redirects, a timeout per request and Ctrl-C. */
class FormBrowser {
  /** host → cookie name → value and expiry (ms). */
  private readonly jar = new Map<string, Map<string, { value: string; expires: number }>>();
  private readonly secrets: string[] = [];
  constructor(
    private readonly ctx: Context,
    saved: readonly StoredCookie[] = [],
  ) {
    for (const c of saved) this.hostJar(c.host).set(c.name, { value: c.value, expires: Date.parse(c.expires) });
  }

  addSecret(secret: string): void {
    this.secrets.push(secret);
  }

  /** The unexpired cookies, to keep as the IdP session. */
  cookies(): StoredCookie[] {
    const now = this.ctx.now().getTime();
    return [...this.jar].flatMap(([host, jar]) =>
      [...jar].filter(([, c]) => c.expires > now).map(([name, c]) => ({ host, name, value: c.value, expires: new Date(c.expires).toISOString() })),
    );
  }

  private hostJar(host: string): Map<string, { value: string; expires: number }> {
    let jar = this.jar.get(host);
    if (!jar) this.jar.set(host, (jar = new Map()));
    return jar;
  }

  /** The page's error message, if any, with what we submitted (the password) replaced by ***. */
  quotedError(html: string): string | undefined {
    const message = errorText(html);
    return message === undefined ? undefined : redactSecrets(message, this.secrets);
  }

  submit(base: URL, form: HtmlForm, fields: Record<string, string>): Promise<Page> {
    const target = new URL(form.action || base.href, base);
    if (target.protocol !== "https:" && target.protocol !== "http:") {
      throw new FailureError(`the IdP's form posts to an unsupported address (${clipValue(target.protocol, 20)})`, "sign in with the browser: --listen --open");
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
        throw new FailureError(`the IdP answered HTTP ${response.status} at ${describeUrl(current)}${message ? `: ${clipValue(message, 200)}` : ""}`, "check --idp-url, or try the sign-in in a browser");
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
      throw new FailureError(`could not reach the IdP at ${describeUrl(url)} (${clipValue(String(code), 40)})`, "check --idp-url and your network (VPN?)", { cause: error });
    } finally {
      timer.dispose();
    }
  }

  private store(url: URL, headers: Headers): void {
    const cookies = headers.getSetCookie?.() ?? [];
    if (!cookies.length) return;
    const jar = this.hostJar(url.host);
    const now = this.ctx.now().getTime();
    for (const line of cookies) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expires = cookieExpiry(attributes, now);
      if (expires <= now || value === "") jar.delete(name);
      else jar.set(name, { value, expires });
    }
  }

  private cookieHeader(url: URL): string {
    const jar = this.jar.get(url.host);
    const now = this.ctx.now().getTime();
    return jar
      ? [...jar]
          .filter(([, c]) => c.expires > now)
          .map(([k, c]) => `${k}=${c.value}`)
          .join("; ")
      : "";
  }
}

/** Max-Age wins over Expires (RFC 6265); a session cookie lives as long as SESSION_COOKIE_MS. */
function cookieExpiry(attributes: string[], now: number): number {
  const attr = (name: string) => attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1).trim();
  const maxAge = attr("max-age");
  if (maxAge !== undefined && /^-?\d+$/.test(maxAge)) return now + Number(maxAge) * 1000;
  const expires = attr("expires");
  const at = expires === undefined ? NaN : Date.parse(expires);
  return Number.isNaN(at) ? now + SESSION_COOKIE_MS : at;
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
