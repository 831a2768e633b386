import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { lemonLdapRoot, LLNG_PROVIDER_ARN, LLNG_ROLES, startLemonLdap, type LemonLdap } from "../../helpers/saml-lemonldap.js";
import { startStsDouble, type StsDouble } from "../../helpers/saml-sts-double.js";

/**
 * A real SAML IdP: LemonLDAP::NG (Debian's packages, under plackup on loopback) signs the
 * assertion with Lasso; awsblog signs in through its login form (the generic strategy: CSRF
 * token, cookies, IdP-initiated SSO), and the STS double verifies LemonLDAP's signature.
 * Runs when LemonLDAP::NG is installed or unpacked (AWSBLOG_LLNG_ROOT, see
 * test/helpers/saml-lemonldap-fetch.sh); otherwise it is not registered and says so.
 */
const root = lemonLdapRoot();
if (!root) {
  console.warn("[awsblog tests] LemonLDAP::NG not found: the real-IdP test is not run (test/helpers/saml-lemonldap-fetch.sh <dir>, then AWSBLOG_LLNG_ROOT=<dir>)");
}

if (root) {
  describe("saml login against LemonLDAP::NG (a real SAML IdP)", () => {
    let llng: LemonLdap;
    let sts: StsDouble;
    let dir: string;
    beforeAll(async () => {
      llng = await startLemonLdap(root);
      sts = await startStsDouble({
        providers: { [LLNG_PROVIDER_ARN]: llng.certificate },
        roles: { [LLNG_ROLES[0]!]: { trusts: [LLNG_PROVIDER_ARN] }, [LLNG_ROLES[1]!]: { trusts: [LLNG_PROVIDER_ARN] } },
        now: () => new Date(),
      });
      dir = mkdtempSync(join(tmpdir(), "awsblog-saml-llng-"));
    }, 90_000);
    afterAll(async () => {
      await llng?.stop();
      await sts?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    const env = () => ({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWSBLOG_SAML_USERNAME: "dwho" });

    it("signs in through the portal's form, reads both roles, and STS accepts LemonLDAP's signature", async () => {
      const roles = await awsblog(["saml", "roles", "--idp-url", llng.ssoUrl, "-o", "json"], { env: { ...env(), AWSBLOG_PASSWORD: "dwho" } });
      expect(roles.stderr, llng.log()).toBe("");
      expect(roles.json()).toMatchObject({ issuer: `${llng.url}/saml/metadata`, roles: [{ roleArn: LLNG_ROLES[0] }, { roleArn: LLNG_ROLES[1] }] });

      const login = await awsblog(["--endpoint-url", sts.url, "saml", "login", "--idp-url", llng.ssoUrl, "--all-roles", "--write-profile", "llng-{role}", "-o", "json"], {
        env: { ...env(), AWSBLOG_PASSWORD: "dwho" },
      });
      expect(login.stderr, llng.log()).toBe("");
      expect(login.code).toBe(0);
      expect(sts.requests.map((r) => r.outcome)).toEqual(["ok", "ok"]);
      expect(readFileSync(join(dir, "credentials"), "utf8")).toMatch(/\[llng-LLNG-Dev\][\s\S]*\[llng-LLNG-Ops\]/);
    }, 60_000);

    it("a wrong password is refused by the IdP: exit 1, nothing sent to AWS", async () => {
      sts.requests.length = 0;
      const result = await awsblog(["--endpoint-url", sts.url, "saml", "login", "--idp-url", llng.ssoUrl], { env: { ...env(), AWSBLOG_PASSWORD: "wrong" } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^awsblog: the IdP refused the sign-in/);
      expect(sts.requests).toHaveLength(0);
    }, 60_000);
  });
}
