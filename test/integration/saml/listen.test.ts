import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { freePort } from "../../helpers/moto.js";
import { startTestIdp, type TestIdp } from "../../../doubles/saml/idp.js";
import { makeSigningKey, PROVIDER_ARN, roleArn, samlResponse } from "../../../doubles/saml/signer.js";
import { startStsDouble, type StsDouble } from "../../../doubles/saml/sts.js";

/**
 * --listen: the IdP's auto-posting form delivers the SAMLResponse to this machine's /saml.
 * First with plain HTTP posts (the endpoint's rules), then the whole flow in headless Chromium.
 */
const key = makeSigningKey();
const NOW = new Date("2026-12-02T04:00:00Z");
const PASSWORD = "Corr3ct horse!";
let sts: StsDouble;
let idp: TestIdp;
let dir: string;

beforeAll(async () => {
  sts = await startStsDouble({ providers: { [PROVIDER_ARN]: key.publicKey }, roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN] } }, now: () => NOW });
  idp = await startTestIdp({ key, users: { "EXAMPLE\\jane": PASSWORD }, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`], now: () => NOW });
});
afterAll(async () => {
  await sts?.stop();
  await idp?.stop();
});
beforeEach(() => {
  sts.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), "awsblog-saml-listen-"));
  return () => rmSync(dir, { recursive: true, force: true });
});

function login(port: number, extra: string[] = [], ctrlC = interrupts()) {
  return awsblog(["--endpoint-url", sts.url, "saml", "login", "--listen", `127.0.0.1:${port}`, "-o", "json", ...extra], {
    now: () => NOW,
    interrupts: ctrlC,
    // --open's browser: `true` opens nothing; the test's own browser goes to the IdP.
    env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWSBLOG_CONFIG_DIR: join(dir, "config"), BROWSER: "true" },
  });
}

const IDP_ORIGIN = "https://adfs.example.com";

/** The confirmation page's hidden fields. */
function confirmationFields(html: string): { pending: string; secret: string } {
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? "";
  return { pending: field("pending"), secret: field("secret") };
}

/** Resolves once the listener answers (it is up). */
async function listening(port: number): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/saml`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** fetch may not set Host; a DNS-rebinding page's request carries its own name. */
function statusWithHost(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/saml", method: "POST", headers: { host, "content-type": "application/x-www-form-urlencoded" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end("SAMLResponse=x");
  });
}

const post = (port: number, body: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${port}/saml`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body });

describe("saml login --listen (HTTP)", () => {
  it("with the IdP's origin known: ignores bad posts, refuses another page's post, takes the IdP's, and assumes the role", async () => {
    const port = await freePort();
    const running = login(port, ["--idp-origin", IDP_ORIGIN]);
    await listening(port);
    expect((await post(port, "RelayState=x", { origin: IDP_ORIGIN })).status).toBe(400);
    expect((await post(port, "SAMLResponse=%%%", { origin: IDP_ORIGIN })).status).toBe(400);
    expect(await statusWithHost(port, `rebound.example:${port}`)).toBe(421);
    const forged = samlResponse({ key, now: NOW, subject: "EXAMPLE\\mallory" });
    const refused = await post(port, `SAMLResponse=${encodeURIComponent(forged)}`, { origin: "http://127.0.0.1:9" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("did not use it");
    const response = samlResponse({ key, now: NOW });
    const answer = await post(port, `SAMLResponse=${encodeURIComponent(response)}&RelayState=`, { origin: IDP_ORIGIN });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("You can close this window.");
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ profile: "saml", roleArn: roleArn("ADFS-Dev"), subject: "EXAMPLE\\jane" });
    expect(result.stderr).toContain(`Waiting for the IdP to post the SAMLResponse to http://127.0.0.1:${port}/saml`);
    expect(result.stderr).toContain("refused a SAMLResponse posted from http://127.0.0.1:9, not from the IdP (https://adfs.example.com); still waiting");
    expect(sts.requests.map((r) => r.params.SAMLAssertion)).toEqual([response]);
  });

  it("no IdP known: the post shows account and roles and waits for the click; forged confirmations are refused; the picked role is assumed", async () => {
    const port = await freePort();
    const running = login(port);
    await listening(port);
    const response = samlResponse({ key, now: NOW, roles: [`${roleArn("ADFS-Other")},${PROVIDER_ARN}`, `${roleArn("ADFS-Dev")},${PROVIDER_ARN}`] });
    const page = await post(port, `SAMLResponse=${encodeURIComponent(response)}`, { origin: "http://127.0.0.1:9" });
    expect(page.status).toBe(200);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain("Use this sign-in?");
    expect(html).toContain("123456789012");
    expect(html).toMatch(/ADFS-Other[\s\S]*ADFS-Dev/);
    expect(html).toContain(`value="${roleArn("ADFS-Dev")}"`);
    const { pending, secret } = confirmationFields(html);
    expect(secret.length).toBeGreaterThanOrEqual(40);
    const own = `http://127.0.0.1:${port}`;
    const confirm = (fields: Record<string, string>, origin: string) =>
      fetch(`${own}/saml/confirm`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin }, body: new URLSearchParams(fields).toString() });
    expect((await confirm({ pending, secret: "guess", role: roleArn("ADFS-Dev") }, own)).status).toBe(403);
    expect((await confirm({ pending, secret, role: roleArn("ADFS-Dev") }, "http://127.0.0.1:9")).status).toBe(403);
    expect((await confirm({ pending, secret, role: roleArn("ADFS-Prod") }, own)).status).toBe(400);
    expect(sts.requests).toHaveLength(0);
    const ok = await confirm({ pending, secret, role: roleArn("ADFS-Dev") }, own);
    expect(ok.status).toBe(200);
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ profile: "saml", roleArn: roleArn("ADFS-Dev") });
    expect(sts.requests.map((r) => r.params.RoleArn)).toEqual([roleArn("ADFS-Dev")]);
  });

  it("Ctrl-C while waiting: exit 130, nothing sent; --listen with an empty host: exit 2", async () => {
    const port = await freePort();
    const ctrlC = interrupts();
    const running = login(port, [], ctrlC);
    await listening(port);
    ctrlC.interrupt();
    const result = await running;
    expect(result.code).toBe(130);
    expect(sts.requests).toHaveLength(0);
    const empty = await awsblog(["saml", "roles", "--listen", ":4567"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/empty host.* — use --listen 127.0.0.1:<port>/);
  });

  it("gives up after --listen-timeout with exit 1", async () => {
    const port = await freePort();
    const result = await login(port, ["--listen-timeout", "1"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no SAMLResponse arrived at http:\/\/127.0.0.1:\d+\/saml within 1 s — check the IdP's AWS relying party/);
  });
});

// AWSBLOG_CHROMIUM only exists to exercise the skip path; CI uses Debian's /usr/bin/chromium.
const CHROMIUM = process.env.AWSBLOG_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const haveChromium = existsSync(CHROMIUM);
// CI (AWSBLOG_REQUIRE_MOTO=1) treats a missing browser as a failure, not a skip.
const required = process.env.AWSBLOG_REQUIRE_MOTO === "1";
if (!haveChromium && !required) console.warn(`[awsblog tests] ${CHROMIUM} not found: the --listen browser test is SKIPPED (apt-get install chromium)`);

describe.skipIf(!haveChromium && !required)(`saml login --listen in headless Chromium${haveChromium ? "" : " (skipped: no chromium)"}`, () => {
  let browser: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`AWSBLOG_REQUIRE_MOTO=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
    profile = mkdtempSync(join(tmpdir(), "awsblog-chromium-"));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function signInAtIdp(): Promise<import("playwright-core").Page> {
    // A fresh IdP session each time: the AD FS double's SSO cookie would skip the form.
    await browser.clearCookies();
    const page = await browser.newPage();
    await page.goto(idp.adfsUrl);
    await page.fill("#userNameInput", "EXAMPLE\\jane");
    await page.fill("#passwordInput", PASSWORD);
    await page.click("#submitButton");
    return page;
  }

  it("with --open (the IdP's origin known): the AD FS page's hiddenform posts to the listener; the CLI writes the profile", async () => {
    const port = await freePort();
    idp.setAcsUrl(`http://127.0.0.1:${port}/saml`);
    const running = login(port, ["--open", idp.adfsUrl]);
    await listening(port);
    const page = await signInAtIdp();
    await page.waitForSelector("text=You can close this window.", { timeout: 15_000 });
    expect(page.url()).toBe(`http://127.0.0.1:${port}/saml`);
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ profile: "saml", subject: "EXAMPLE\\jane" });
    expect(sts.requests[0]!.params.SAMLAssertion).toBe(idp.issued.at(-1));
    expect(readFileSync(join(dir, "credentials"), "utf8")).toContain("[saml]");
  }, 60_000);

  it("no IdP known: the user sees account and role and clicks once; then the profile is written", async () => {
    const port = await freePort();
    idp.setAcsUrl(`http://127.0.0.1:${port}/saml`);
    const running = login(port);
    await listening(port);
    const page = await signInAtIdp();
    await page.waitForSelector("text=Use this sign-in?", { timeout: 15_000 });
    expect(await page.textContent("#roles")).toContain("ADFS-Dev");
    expect(sts.requests).toHaveLength(0);
    await page.click("#confirm");
    await page.waitForSelector("text=You can close this window.", { timeout: 15_000 });
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ profile: "saml", roleArn: roleArn("ADFS-Dev") });
  }, 60_000);

  describe("a page on another loopback port auto-posts its own assertion to the listener (login CSRF)", () => {
    let attacker: Server;
    let attackerUrl: string;
    let target = 0;
    beforeAll(async () => {
      const forged = samlResponse({ key, now: NOW, subject: "EXAMPLE\\mallory" });
      attacker = createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end(
          `<!doctype html><form method="post" action="http://127.0.0.1:${target}/saml"><input type="hidden" name="SAMLResponse" value="${forged}"></form>` +
            "<script>document.forms[0].submit()</script>",
        );
      });
      await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
      attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      attacker.closeAllConnections();
      await new Promise<void>((resolve) => attacker.close(() => resolve()));
    });

    for (const known of [true, false]) {
      it(known ? "IdP known (--open): refused outright; nothing written" : "no IdP known: only the confirmation page; nothing written", async () => {
        const file = join(dir, "credentials");
        const before = "[saml]\naws_access_key_id = ASIAMINE\naws_secret_access_key = mine\naws_session_token = mine\n";
        writeFileSync(file, before, { mode: 0o600 });
        target = await freePort();
        const ctrlC = interrupts();
        const running = login(target, known ? ["--open", idp.adfsUrl] : [], ctrlC);
        await listening(target);
        const page = await browser.newPage();
        await page.goto(attackerUrl);
        await page.waitForSelector(known ? "text=Refused" : "text=Use this sign-in?", { timeout: 15_000 });
        expect(page.url()).toBe(`http://127.0.0.1:${target}/saml`);
        ctrlC.interrupt();
        const result = await running;
        expect(result.code).toBe(130);
        expect(sts.requests).toHaveLength(0);
        expect(readFileSync(file, "utf8")).toBe(before);
        if (known) expect(result.stderr).toContain(`refused a SAMLResponse posted from ${attackerUrl.replace(/\/$/, "")}`);
      }, 60_000);
    }
  });
});
