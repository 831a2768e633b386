import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { startFederationDouble, type FederationDouble } from "../../../doubles/saml/federation.js";
import { makeSigningKey, PROVIDER_ARN, roleArn, samlResponse } from "../../../doubles/saml/signer.js";
import { startStsDouble, type StsDouble } from "../../../doubles/saml/sts.js";

/**
 * `saml console`: a profile written by `saml login` (STS double) turned into a console sign-in
 * link by a federation endpoint double that only knows the sessions STS issued.
 */
const key = makeSigningKey();
const NOW = new Date("2026-12-02T04:00:00Z");
let sts: StsDouble;
let federation: FederationDouble;
let dir: string;
let credentialsFile: string;

beforeAll(async () => {
  sts = await startStsDouble({ providers: { [PROVIDER_ARN]: key.publicKey }, roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN] } }, now: () => NOW });
  federation = await startFederationDouble({ sessions: () => sts.requests.flatMap((r) => (r.issued ? [r.issued] : [])) });
});
afterAll(async () => {
  await sts?.stop();
  await federation?.stop();
});
beforeEach(() => {
  federation.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), "awsblog-saml-console-"));
  credentialsFile = join(dir, "credentials");
  return () => rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string | undefined> = {}) => ({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, ...extra });

async function loginDev(): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const result = await awsblog(["--endpoint-url", sts.url, "saml", "login", "--saml-response", samlResponse({ key, now: NOW }), "--write-profile", "dev"], { now: () => NOW, env: env() });
  expect(result.code).toBe(0);
  return sts.requests.at(-1)!.issued!;
}

const consoleRun = (args: string[], extra: Record<string, string | undefined> = {}) =>
  awsblog(["saml", "console", "--federation-endpoint", federation.url, ...args], { now: () => NOW, env: env(extra) });

describe("saml console", () => {
  it("prints a login URL whose token the federation endpoint issued for the profile's session", async () => {
    const issued = await loginDev();
    const result = await consoleRun(["--profile-name", "dev"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const url = new URL(result.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe(federation.url);
    expect(url.searchParams.get("Action")).toBe("login");
    expect(url.searchParams.get("Issuer")).toBe("awsblog");
    expect(url.searchParams.get("Destination")).toBe("https://console.aws.amazon.com/");
    expect(federation.tokens.get(url.searchParams.get("SigninToken")!)?.accessKeyId).toBe(issued.accessKeyId);
    expect(federation.requests[0]).toMatchObject({ action: "getSigninToken", status: 200, session: { sessionId: issued.accessKeyId, sessionKey: issued.secretAccessKey, sessionToken: issued.sessionToken } });
    expect(federation.requests[0]!.sessionDuration).toBeUndefined();
    // The link works: the endpoint signs the browser in and sends it to the destination.
    const landing = await fetch(url, { redirect: "manual" });
    expect(landing.status).toBe(302);
    expect(landing.headers.get("location")).toBe("https://console.aws.amazon.com/");
  });

  it("--destination takes a console path or an https URL; --session-duration is passed; JSON carries the URL", async () => {
    await loginDev();
    const path = await consoleRun(["--profile-name", "dev", "--destination", "cloudwatch/home?region=eu-west-1", "--session-duration", "3600", "-o", "json"]);
    expect(path.code).toBe(0);
    const doc = path.json() as { url: string; destination: string; profile: string; expiration: string };
    expect(doc).toMatchObject({ profile: "dev", destination: "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1", expiration: "2026-12-02T05:00:00.000Z" });
    expect(new URL(doc.url).searchParams.get("Destination")).toBe("https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1");
    expect(federation.requests[0]!.sessionDuration).toBe("3600");
    const http = await consoleRun(["--profile-name", "dev", "--destination", "http://evil.example/"]);
    expect(http.code).toBe(2);
    expect(http.stderr).toMatch(/^awsblog: --destination must be https .* — /);
    const plain = await consoleRun(["--profile-name", "dev", "--federation-endpoint", "http://signin.example/federation"]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/--federation-endpoint must be https/);
  });

  it("the partition comes from the profile's SAML provider ARN (aws-cn console)", async () => {
    await loginDev();
    const text = readFileSync(credentialsFile, "utf8").replace(/x_principal_arn = arn:aws:/, "x_principal_arn = arn:aws-cn:");
    writeFileSync(credentialsFile, text);
    const result = await consoleRun(["--profile-name", "dev", "--destination", "s3/home"]);
    expect(result.code).toBe(0);
    expect(new URL(result.stdout.trim()).searchParams.get("Destination")).toBe("https://console.amazonaws.cn/s3/home");
  });

  it("--debug shows the call but never the link, the token or the keys", async () => {
    const issued = await loginDev();
    const result = await consoleRun(["--profile-name", "dev", "--debug"]);
    expect(result.code).toBe(0);
    const token = new URL(result.stdout.trim()).searchParams.get("SigninToken")!;
    expect(result.stderr).toContain("federation getSigninToken");
    for (const secret of [token, issued.secretAccessKey, issued.sessionToken, encodeURIComponent(issued.sessionToken), "SigninToken="]) {
      expect(result.stderr).not.toContain(secret);
    }
  });

  it("--open hands the link to $BROWSER and prints nothing on stdout", async () => {
    await loginDev();
    const seen = join(dir, "opened");
    const browser = join(dir, "browser.sh");
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > "${seen}.tmp" && mv "${seen}.tmp" "${seen}"\n`);
    chmodSync(browser, 0o755);
    const result = await consoleRun(["--profile-name", "dev", "--open"], { BROWSER: browser });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/Opening the link with /);
    expect(result.stderr).not.toContain("SigninToken");
    while (!existsSync(seen)) await new Promise((resolve) => setImmediate(resolve));
    const opened = new URL(readFileSync(seen, "utf8"));
    expect(federation.tokens.has(opened.searchParams.get("SigninToken")!)).toBe(true);
  });

  it("long-term keys, expired credentials, a missing profile, an unknown session: exit 1 on one line", async () => {
    writeFileSync(
      credentialsFile,
      "[keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cret\n\n" +
        "[old]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2026-12-02T03:00:00Z\n\n" +
        "[forged]\naws_access_key_id = ASIAFORGED\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2026-12-02T05:00:00Z\n",
    );
    const keys = await consoleRun(["--profile-name", "keys"]);
    expect(keys.code).toBe(1);
    expect(keys.stderr).toMatch(/^awsblog: profile keys holds long-term keys \(no session token\) — the console federation needs temporary credentials.*\n$/);
    const old = await consoleRun(["--profile-name", "old"]);
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/^awsblog: the credentials of profile old expired at 2026-12-02T03:00:00.000Z — log in again/);
    expect(federation.requests).toHaveLength(0);
    const missing = await consoleRun(["--profile-name", "nope"]);
    expect(missing.code).toBe(1);
    const forged = await consoleRun(["--profile-name", "forged"]);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/^awsblog: the federation endpoint refused the session \(HTTP 400\) — .*log in again/);
    expect(forged.stdout).toBe("");
  });
});
