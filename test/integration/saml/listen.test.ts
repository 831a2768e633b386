import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
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
    env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWSBLOG_CONFIG_DIR: join(dir, "config") },
  });
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
  it("ignores bad posts, takes the first SAMLResponse, answers 'close this window', and assumes the role", async () => {
    const port = await freePort();
    const running = login(port);
    await listening(port);
    expect((await post(port, "RelayState=x")).status).toBe(400);
    expect((await post(port, "SAMLResponse=%%%")).status).toBe(400);
    expect(await statusWithHost(port, `rebound.example:${port}`)).toBe(421);
    const response = samlResponse({ key, now: NOW });
    const answer = await post(port, `SAMLResponse=${encodeURIComponent(response)}&RelayState=`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("You can close this window.");
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ profile: "saml", roleArn: roleArn("ADFS-Dev") });
    expect(result.stderr).toContain(`Waiting for the IdP to post the SAMLResponse to http://127.0.0.1:${port}/saml`);
    expect(sts.requests.map((r) => r.params.SAMLAssertion)).toEqual([response]);
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

  it("the user signs in at the AD FS page; its hiddenform posts to the listener; the CLI writes the profile", async () => {
    const port = await freePort();
    idp.setAcsUrl(`http://127.0.0.1:${port}/saml`);
    const running = login(port);
    await listening(port);
    const page = await browser.newPage();
    await page.goto(idp.adfsUrl);
    await page.fill("#userNameInput", "EXAMPLE\\jane");
    await page.fill("#passwordInput", PASSWORD);
    await page.click("#submitButton");
    await page.waitForSelector("text=You can close this window.", { timeout: 15_000 });
    expect(page.url()).toBe(`http://127.0.0.1:${port}/saml`);
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ profile: "saml", subject: "EXAMPLE\\jane" });
    expect(sts.requests[0]!.params.SAMLAssertion).toBe(idp.issued.at(-1));
    expect(readFileSync(join(dir, "credentials"), "utf8")).toContain("[saml]");
  }, 60_000);
});
