import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Services } from "../../../src/lib/services.js";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { startTestIdp, type TestIdp } from "../../../doubles/saml/idp.js";
import { makeSigningKey, PROVIDER_ARN, roleArn } from "../../../doubles/saml/signer.js";
import { totp } from "../../../doubles/saml/totp.js";

/** #20: the IdP session kept between runs, and second factors (TOTP code, push approval) in the forms sign-in. */
const key = makeSigningKey();
const PASSWORD = "Corr3ct horse!";
const SECRET = Buffer.from("12345678901234567890"); // RFC 6238's test secret
const START = new Date("2026-12-06T09:00:00Z");
let clock = START;
let idp: TestIdp;
let dir: string;

beforeAll(async () => {
  idp = await startTestIdp({
    key,
    users: { "EXAMPLE\\jane": PASSWORD, "EXAMPLE\\bob": "bob-Pa55", "EXAMPLE\\tom": PASSWORD, "EXAMPLE\\pat": PASSWORD, "EXAMPLE\\dan": PASSWORD, "EXAMPLE\\sam": PASSWORD },
    roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`],
    now: () => clock,
    ssoLifetimeSeconds: 3600,
    mfa: {
      "EXAMPLE\\tom": { totpSecret: SECRET },
      "EXAMPLE\\pat": { push: { approveAfter: 3 } },
      "EXAMPLE\\dan": { push: { denyAfter: 2 } },
      "EXAMPLE\\sam": { push: { approveAfter: 10_000 } },
    },
  });
});
afterAll(async () => {
  await idp?.stop();
});
beforeEach(() => {
  clock = START;
  idp.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), "awsblog-saml-mfa-"));
  return () => rmSync(dir, { recursive: true, force: true });
});

/** A sleep that only moves a pretend steady clock, and records each pause. */
function fakeTime() {
  let t = 0;
  const slept: number[] = [];
  const services: Partial<Services> = {
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    monotonicNow: () => t,
  };
  return { services, slept };
}

function roles(user: string, extra: { args?: string[]; env?: Record<string, string | undefined>; input?: string; services?: Partial<Services>; interrupts?: ReturnType<typeof interrupts> } = {}) {
  return awsblog(["saml", "roles", "--idp-url", idp.adfsUrl, "--username", user, "-o", "json", ...(extra.args ?? [])], {
    now: () => clock,
    input: extra.input,
    services: extra.services,
    interrupts: extra.interrupts,
    env: { AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWSBLOG_CONFIG_DIR: join(dir, "config"), AWSBLOG_PASSWORD: PASSWORD, ...extra.env },
  });
}
const posts = () => idp.requests.filter((r) => r.method === "POST").map((r) => new URLSearchParams(r.body).get("AuthMethod"));

describe("the IdP session is kept between runs", () => {
  it("a sign-in within the IdP's session needs no password; the cookies are kept 0600", async () => {
    const first = await roles("EXAMPLE\\jane");
    expect(first.stderr).toBe("");
    const sessions = join(dir, "config", "saml-sessions");
    const files = readdirSync(sessions);
    expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{32}\.json$/)]);
    expect(statSync(join(sessions, files[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(sessions).mode & 0o777).toBe(0o700);
    idp.requests.length = 0;
    clock = new Date(START.getTime() + 30 * 60_000);
    const second = await roles("EXAMPLE\\jane", { env: { AWSBLOG_PASSWORD: undefined } });
    expect(second.stderr).toBe("");
    expect(second.json()).toMatchObject({ subject: "EXAMPLE\\jane" });
    expect(idp.requests.map((r) => r.method)).toEqual(["GET"]);
    expect(idp.requests[0]!.headers.cookie).toMatch(/^MSISAuth=\w+$/);
  });

  it("past the cookie's expiry the password is used again, without an error", async () => {
    await roles("EXAMPLE\\jane");
    clock = new Date(START.getTime() + 2 * 3600_000); // the SSO cookie lived one hour
    idp.requests.length = 0;
    const noPassword = await roles("EXAMPLE\\jane", { env: { AWSBLOG_PASSWORD: undefined } });
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/^awsblog: no password given and stdin is not a terminal — /);
    expect(idp.requests).toHaveLength(0); // nothing sent: the expired session was not even tried
    const again = await roles("EXAMPLE\\jane");
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(posts()).toEqual(["FormsAuthentication"]);
  });

  it("a session the IdP forgot falls back to the password at its login form", async () => {
    await roles("EXAMPLE\\jane");
    idp.expireSessions();
    idp.requests.length = 0;
    const again = await roles("EXAMPLE\\jane");
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(idp.requests[0]!.headers.cookie).toMatch(/MSISAuth=/); // the saved cookie was tried first
    expect(posts()).toEqual(["FormsAuthentication"]);
  });

  it("another user's session is not used; saml logout forgets the sessions", async () => {
    await roles("EXAMPLE\\jane");
    idp.requests.length = 0;
    const bob = await roles("EXAMPLE\\bob", { env: { AWSBLOG_PASSWORD: "bob-Pa55" } });
    expect(bob.json()).toMatchObject({ subject: "EXAMPLE\\bob" });
    expect(idp.requests[0]!.headers.cookie).toBeUndefined();
    const out = await awsblog(["saml", "logout", "-o", "json"], { env: { AWSBLOG_CONFIG_DIR: join(dir, "config") } });
    expect(out.json()).toEqual({ credentialsRemoved: 0, idpSessionsRemoved: 1 });
    const after = await roles("EXAMPLE\\bob", { env: { AWSBLOG_PASSWORD: undefined } });
    expect(after.code).toBe(2);
  });
});

describe("second factors after the password", () => {
  it("a TOTP code page takes --mfa-code; the IdP checks it against the shared secret", async () => {
    const code = totp(SECRET, clock);
    const result = await roles("EXAMPLE\\tom", { args: ["--mfa-code", code] });
    expect(result.stderr).toBe("");
    expect(result.json()).toMatchObject({ subject: "EXAMPLE\\tom" });
    expect(posts()).toEqual(["FormsAuthentication", "TOTPAuthentication"]);
    expect(new URLSearchParams(idp.requests.find((r) => r.body.includes("TOTP"))!.body).get("VerificationCode")).toBe(code);
  });

  it("the code from AWSBLOG_MFA_CODE, or stdin's line after the password (--password-stdin --mfa-code -)", async () => {
    const fromEnv = await roles("EXAMPLE\\tom", { env: { AWSBLOG_MFA_CODE: totp(SECRET, clock) } });
    expect(fromEnv.stderr).toBe("");
    clock = new Date(START.getTime() + 2 * 3600_000);
    const fromStdin = await roles("EXAMPLE\\tom", { args: ["--password-stdin", "--mfa-code", "-"], env: { AWSBLOG_PASSWORD: undefined }, input: `${PASSWORD}\n${totp(SECRET, clock)}\n` });
    expect(fromStdin.stderr).toBe("");
    expect(fromStdin.json()).toMatchObject({ subject: "EXAMPLE\\tom" });
  });

  it("a wrong code: exit 1 quoting the IdP; no code and no terminal: exit 2 saying how to pass one", async () => {
    const wrong = totp(SECRET, new Date(clock.getTime() - 10 * 60_000));
    const refused = await roles("EXAMPLE\\tom", { args: ["--mfa-code", wrong, "--debug"] });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/awsblog: the IdP refused the one-time code: The verification code is not valid\. Check the code in your authenticator app and try again\. — check the code/);
    expect(refused.stderr).not.toContain(PASSWORD);
    const none = await roles("EXAMPLE\\tom");
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^awsblog: the IdP asks for a one-time code and there is no terminal to ask on — pass --mfa-code/);
    const misplaced = await awsblog(["saml", "roles", "--saml-response", "x", "--mfa-code", "1"]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toMatch(/^awsblog: --mfa-code is for --idp-url sign-in — /);
  });

  it("a push page is polled at the page's own pace until approved", async () => {
    const time = fakeTime();
    const result = await roles("EXAMPLE\\pat", { services: time.services });
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ subject: "EXAMPLE\\pat" });
    expect(posts()).toEqual(["FormsAuthentication", "PushAuthentication", "PushAuthentication", "PushAuthentication"]);
    expect(time.slept).toEqual([3000, 3000]); // the first poll at once, then the page's 3 s
    expect(result.stderr).toBe("waiting for the sign-in approval on your phone (up to 120 s; Ctrl-C to stop)…\n");
  });

  it("a denied push: exit 1 with the IdP's own words", async () => {
    const result = await roles("EXAMPLE\\dan", { services: fakeTime().services });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/awsblog: the IdP refused the sign-in: The sign-in request was denied on your phone\. \(MSIS9002\) — /);
  });

  it("no approval within --mfa-timeout: exit 1; Ctrl-C while waiting: exit 130", async () => {
    const time = fakeTime();
    const late = await roles("EXAMPLE\\sam", { args: ["--mfa-timeout", "10"], services: time.services });
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/awsblog: the sign-in was not approved within 10 s — approve the request on your phone and run again, or give more time with --mfa-timeout <s>\n$/);
    expect(time.slept.reduce((a, b) => a + b, 0)).toBe(10_000);

    const ctrlC = interrupts();
    const services: Partial<Services> = {
      sleep: (ms, signal) =>
        new Promise((resolve) => {
          signal?.addEventListener("abort", () => resolve(), { once: true });
          ctrlC.interrupt(); // Ctrl-C while the wait is on
          setTimeout(resolve, 30_000).unref();
        }),
    };
    const stopped = await roles("EXAMPLE\\sam", { services, interrupts: ctrlC });
    expect(stopped.code).toBe(130);
  });
});
