import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { samlResponse, type SigningKey } from "./signer.js";
import { totp } from "./totp.js";

/**
 * A test IdP that signs in the way AD FS 3/4 forms sign-in does, on loopback:
 *
 *   GET  /adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices
 *        → login page; sets MSISSamlRequest; "Sign in" is a <span onclick>, not a submit input;
 *          a hidden per-page `Context` field that must come back
 *   POST same (+client-request-id) → wrong password: the page again with #errorText;
 *        right one: MSISAuth cookie + 302 back to the sign-on URL
 *   GET  with MSISAuth → the auto-posting `hiddenform` with a freshly signed SAMLResponse
 *
 * and a generic IdP at /generic/login (a plain form with a password field, a CSRF field,
 * 303 → /generic/sso). `acsUrl` is where the hiddenform posts (AWS, or a --listen endpoint).
 */
export interface IdpOptions {
  key: SigningKey;
  users: Record<string, string>;
  roles: string[];
  now: () => Date;
  acsUrl?: string;
  /** The AD FS SSO session (MSISAuth): its cookie's Expires and the server's own limit. Default 8 h. */
  ssoLifetimeSeconds?: number;
  /** A second factor after the password, per user: a TOTP code page or a push approval page. */
  mfa?: Record<string, MfaSetup>;
}

/**
 * `totpSecret`: the code page checks an RFC 6238 code (the step before and after accepted, as
 * AD FS does). `push`: the waiting page posts itself back; the request is approved on the
 * `approveAfter`-th poll, or denied on the `denyAfter`-th.
 */
export type MfaSetup = { totpSecret: Buffer } | { push: { approveAfter: number } | { denyAfter: number } };

export interface IdpRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestIdp {
  url: string;
  adfsUrl: string;
  genericUrl: string;
  requests: IdpRequest[];
  /** The SAMLResponses handed out, newest last. */
  issued: string[];
  /** Push polls received (per sign-in, summed). */
  pushPolls: number;
  /** Forget every SSO session on the server side (an IdP restart; cookies stay valid-looking). */
  expireSessions(): void;
  setAcsUrl(url: string): void;
  stop(): Promise<void>;
}

const ADFS_PATH = "/adfs/ls/IdpInitiatedSignOn.aspx";
const WRONG = "Incorrect user ID or password. Type the correct user ID and password, and try again.";

export async function startTestIdp(options: IdpOptions): Promise<TestIdp> {
  const requests: IdpRequest[] = [];
  const issued: string[] = [];
  const pending = new Map<string, string>(); // MSISSamlRequest cookie → expected Context
  const sessions = new Map<string, string>(); // generic sid → user
  const adfsSessions = new Map<string, { user: string; expires: number }>(); // MSISAuth → user, until
  const mfaPending = new Map<string, { user: string; polls: number }>(); // MSISContext → second factor under way
  const lifetime = (options.ssoLifetimeSeconds ?? 8 * 3600) * 1000;
  let pushPolls = 0;
  let acsUrl = options.acsUrl ?? "https://signin.aws.amazon.com:443/saml";

  const hiddenForm = (user: string) => {
    const response = samlResponse({ key: options.key, now: options.now(), subject: user, roles: options.roles });
    issued.push(response);
    return page(
      "Working...",
      `<form method="POST" name="hiddenform" action="${acsUrl}"><input type="hidden" name="SAMLResponse" value="${response}" />` +
        `<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form>` +
        `<script language="javascript">window.setTimeout('document.forms[0].submit()', 0);</script>`,
    );
  };

  const adfsLogin = (res: import("node:http").ServerResponse, error?: string) => {
    const samlRequest = randomBytes(12).toString("hex");
    const context = randomBytes(16).toString("base64");
    pending.set(samlRequest, context);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "set-cookie": `MSISSamlRequest=${samlRequest}; path=/adfs; HttpOnly; Secure` });
    res.end(
      page(
        "Sign In",
        `<div id="loginArea"><form method="post" id="loginForm" autocomplete="off" novalidate="novalidate" onKeyPress="if (event &amp;&amp; event.keyCode == 13) Login.submitLoginRequest();" action="${ADFS_PATH}?loginToRp=urn:amazon:webservices&amp;client-request-id=${randomUUID()}">` +
          `<div id="error" class="fieldMargin error smallText"><span id="errorText" for="">${error ?? ""}</span></div>` +
          `<div id="formsAuthenticationArea"><div id="userNameArea"><label id="userNameInputLabel" for="userNameInput" class="hidden">User Account</label>` +
          `<input id="userNameInput" name="UserName" type="email" value="" tabindex="1" class="text fullWidth" spellcheck="false" placeholder="someone@example.com" autocomplete="off"/></div>` +
          `<div id="passwordArea"><label id="passwordInputLabel" for="passwordInput" class="hidden">Password</label>` +
          `<input id="passwordInput" name="Password" type="password" tabindex="2" class="text fullWidth" placeholder="Password" autocomplete="off"/></div>` +
          `<div id="kmsiArea" style="display:none"><input type="checkbox" name="Kmsi" id="kmsiInput" value="true" tabindex="3" /><label for="kmsiInput">Keep me signed in</label></div>` +
          `<div id="submissionArea" class="submitMargin"><span id="submitButton" class="submit" tabindex="4" role="button" onKeyPress="if (event &amp;&amp; event.keyCode == 32) Login.submitLoginRequest();" onclick="return Login.submitLoginRequest();">Sign in</span></div></div>` +
          `<input id="optionForms" type="hidden" name="AuthMethod" value="FormsAuthentication"/><input type="hidden" name="Context" value="${context}"/></form></div>` +
          // AD FS's own script: the <span> submits the form (a browser needs it; awsblog posts the form itself).
          `<script>var Login = { submitLoginRequest: function () { document.forms.loginForm.submit(); return false; } };</script>`,
      ),
    );
  };

  const mfaCookie = (context: string) => `MSISContext=${context}; path=/adfs; HttpOnly`;
  const action = `${ADFS_PATH}?loginToRp=urn:amazon:webservices`;
  // AD FS's "additional authentication" page for a one-time code (the TOTP adapter's layout).
  const totpPage = (res: import("node:http").ServerResponse, context: string, error?: string) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "set-cookie": mfaCookie(context) });
    res.end(
      page(
        "Sign In",
        `<div id="error" class="fieldMargin error smallText"><span id="errorText">${error ?? ""}</span></div>` +
          `<form method="post" id="options" action="${action}"><p>Enter the verification code from your authenticator app.</p>` +
          `<label for="verificationCodeInput">Verification code</label><input id="verificationCodeInput" name="VerificationCode" type="text" autocomplete="one-time-code"/>` +
          `<input type="hidden" name="AuthMethod" value="TOTPAuthentication"/><input type="hidden" name="Context" value="${context}"/>` +
          `<input id="submitButton" type="submit" value="Sign in"/></form>`,
      ),
    );
  };
  // The push page: no visible input; the script posts the form back every few seconds.
  const pushPage = (res: import("node:http").ServerResponse, context: string) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "set-cookie": mfaCookie(context) });
    res.end(
      page(
        "Sign In",
        `<p id="pushMessage">We sent a sign-in request to your phone. Approve it to continue.</p>` +
          `<form method="post" id="pushForm" action="${action}"><input type="hidden" name="AuthMethod" value="PushAuthentication"/><input type="hidden" name="Context" value="${context}"/></form>` +
          `<script>window.setTimeout(function () { document.forms.pushForm.submit(); }, 3000);</script>`,
      ),
    );
  };

  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://idp.test");
      requests.push({ method: req.method ?? "", path: url.pathname + url.search, headers: req.headers, body });
      const cookies = Object.fromEntries((req.headers.cookie ?? "").split(/;\s*/).filter(Boolean).map((c) => c.split("=") as [string, string]));
      if (url.pathname === ADFS_PATH) {
        if (url.searchParams.get("loginToRp") !== "urn:amazon:webservices") {
          res.writeHead(400, { "content-type": "text/html" });
          res.end(page("Error", `<div id="errorArea"><span id="errorMessage" class="error">MSIS7012: An error occurred while processing the request.</span></div>`));
          return;
        }
        const session = cookies.MSISAuth ? adfsSessions.get(cookies.MSISAuth) : undefined;
        const auth = session && session.expires > options.now().getTime() ? session.user : undefined;
        if (req.method === "GET") {
          if (auth) {
            res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
            res.end(hiddenForm(auth));
          } else adfsLogin(res);
          return;
        }
        const form = new URLSearchParams(body);
        const signedIn = (user: string) => {
          const id = randomBytes(16).toString("hex");
          const expires = options.now().getTime() + lifetime;
          adfsSessions.set(id, { user, expires });
          res.writeHead(302, {
            location: `${ADFS_PATH}?loginToRp=urn:amazon:webservices`,
            "set-cookie": [
              // Max-Age, not Expires: a browser counts it from its own clock, the CLI from its (pinned) one.
              `MSISAuth=${id}; path=/adfs; Max-Age=${lifetime / 1000}; HttpOnly`,
              "MSISSamlRequest=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/adfs",
              "MSISContext=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/adfs",
            ],
          });
          res.end();
        };
        const method = form.get("AuthMethod");
        if (method === "TOTPAuthentication" || method === "PushAuthentication") {
          const pendingMfa = cookies.MSISContext ? mfaPending.get(cookies.MSISContext) : undefined;
          const setup = pendingMfa && options.mfa?.[pendingMfa.user];
          if (!pendingMfa || !setup || form.get("Context") !== cookies.MSISContext) {
            res.writeHead(400, { "content-type": "text/html" });
            res.end(page("Error", `<div id="errorArea"><span id="errorMessage" class="error">MSIS7042: The same client browser session has made an unexpected request (cookie or context missing).</span></div>`));
            return;
          }
          if ("totpSecret" in setup && method === "TOTPAuthentication") {
            const code = form.get("VerificationCode") ?? "";
            const t = options.now().getTime();
            const valid = [-30_000, 0, 30_000].some((skew) => totp(setup.totpSecret, new Date(t + skew)) === code);
            if (!valid) {
              totpPage(res, cookies.MSISContext!, "The verification code is not valid. Check the code in your authenticator app and try again.");
              return;
            }
            mfaPending.delete(cookies.MSISContext!);
            signedIn(pendingMfa.user);
            return;
          }
          if ("push" in setup && method === "PushAuthentication") {
            pushPolls++;
            pendingMfa.polls++;
            if ("approveAfter" in setup.push && pendingMfa.polls >= setup.push.approveAfter) {
              mfaPending.delete(cookies.MSISContext!);
              signedIn(pendingMfa.user);
              return;
            }
            if ("denyAfter" in setup.push && pendingMfa.polls >= setup.push.denyAfter) {
              mfaPending.delete(cookies.MSISContext!);
              res.writeHead(200, { "content-type": "text/html" });
              res.end(page("Sign In", `<div id="errorArea"><span id="errorText" class="error">The sign-in request was denied on your phone. (MSIS9002)</span></div><a href="${ADFS_PATH}?loginToRp=urn:amazon:webservices">Sign in again</a>`));
              return;
            }
            pushPage(res, cookies.MSISContext!);
            return;
          }
        }
        const expected = cookies.MSISSamlRequest && pending.get(cookies.MSISSamlRequest);
        if (!expected || form.get("Context") !== expected || method !== "FormsAuthentication") {
          res.writeHead(400, { "content-type": "text/html" });
          res.end(page("Error", `<div id="errorArea"><span id="errorMessage" class="error">MSIS7042: The same client browser session has made an unexpected request (cookie or context missing).</span></div>`));
          return;
        }
        pending.delete(cookies.MSISSamlRequest!);
        const user = form.get("UserName") ?? "";
        if (options.users[user] === undefined || options.users[user] !== form.get("Password")) {
          adfsLogin(res, WRONG);
          return;
        }
        const setup = options.mfa?.[user];
        if (setup) {
          const context = randomBytes(16).toString("hex");
          mfaPending.set(context, { user, polls: 0 });
          if ("totpSecret" in setup) totpPage(res, context);
          else pushPage(res, context);
          return;
        }
        signedIn(user);
        return;
      }
      if (url.pathname === "/generic/login") {
        const csrf = cookies.csrf ?? randomBytes(8).toString("hex");
        if (req.method === "POST") {
          const form = new URLSearchParams(body);
          if (form.get("csrf") !== csrf) {
            res.writeHead(403, { "content-type": "text/html" });
            res.end(page("Forbidden", `<p class="alert">CSRF check failed</p>`));
            return;
          }
          const user = form.get("login") ?? "";
          if (options.users[user] !== undefined && options.users[user] === form.get("secret")) {
            const session = randomBytes(16).toString("hex");
            sessions.set(session, user);
            res.writeHead(303, { location: "/generic/sso", "set-cookie": `sid=${session}; path=/` });
            res.end();
            return;
          }
        }
        const failed = req.method === "POST" ? `<div class="alert alert-error">Authentication failed &amp; account may be locked</div>` : "";
        res.writeHead(200, { "content-type": "text/html", "set-cookie": `csrf=${csrf}; path=/` });
        res.end(
          page(
            "Login",
            `${failed}<form action="/generic/login" method="post"><input type="hidden" name="csrf" value="${csrf}">` +
              `<input name="login" id="login"><input type="password" name="secret"><button type="submit" name="go" value="1">Log in</button></form>`,
          ),
        );
        return;
      }
      // Username first, then a password page carrying it hidden (AD FS 2019 paginated sign-in);
      // /mfa/login asks for a one-time code after the password.
      if (url.pathname === "/paged/login" || url.pathname === "/mfa/login") {
        const form = new URLSearchParams(body);
        const user = form.get("UserName") ?? "";
        if (req.method === "GET" || (!form.has("Password") && options.users[user] === undefined)) {
          const unknown = req.method === "POST" ? `<span id="errorText">Unknown user &quot;x&quot;</span>` : "";
          res.writeHead(200, { "content-type": "text/html" });
          res.end(page("Sign in", `${unknown}<form method="post" action="${url.pathname}"><input type="hidden" name="Step" value="user"><input name="UserName" type="email"><input type="submit" name="Next" value="Next"></form>`));
          return;
        }
        if (!form.has("Password")) {
          res.writeHead(200, { "content-type": "text/html" });
          res.end(page("Password", `<form method="post" action="${url.pathname}"><input type="hidden" name="UserName" value="${user}"><input type="password" name="Password"><span id="submitButton" onclick="">Sign in</span></form>`));
          return;
        }
        if (options.users[user] !== form.get("Password")) {
          res.writeHead(200, { "content-type": "text/html" });
          res.end(page("Password", `<span id="errorText">Incorrect password</span><form method="post" action="${url.pathname}"><input type="hidden" name="UserName" value="${user}"><input type="password" name="Password"></form>`));
          return;
        }
        res.writeHead(200, { "content-type": "text/html" });
        res.end(url.pathname === "/mfa/login" ? page("Verify", `<p class="error">Enter the code from your authenticator app</p><form method="post" action="/mfa/verify"><input name="VerificationCode" type="text"></form>`) : hiddenForm(user));
        return;
      }
      if (url.pathname === "/generic/sso") {
        const user = cookies.sid && sessions.get(cookies.sid);
        if (!user) {
          res.writeHead(302, { location: "/generic/login" });
          res.end();
          return;
        }
        res.writeHead(200, { "content-type": "text/html" });
        res.end(hiddenForm(user));
        return;
      }
      res.writeHead(404, { "content-type": "text/html" });
      res.end(page("Not found", "<p class='error'>no such page</p>"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    adfsUrl: `${url}${ADFS_PATH}?loginToRp=urn:amazon:webservices`,
    genericUrl: `${url}/generic/login`,
    requests,
    issued,
    get pushPolls() {
      return pushPolls;
    },
    expireSessions: () => adfsSessions.clear(),
    setAcsUrl: (next) => (acsUrl = next),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en-US"><head><meta http-equiv="content-type" content="text/html;charset=UTF-8" /><title>${title}</title></head><body><div id="fullPage">${body}</div></body></html>`;
}
