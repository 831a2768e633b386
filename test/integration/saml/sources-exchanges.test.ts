import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CognitoIdentityClient, CreateIdentityPoolCommand } from "@aws-sdk/client-cognito-identity";
import { afterAll, beforeAll, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, freePort, motoClientConfig } from "../../helpers/moto.js";
import { startTestIdp, type TestIdp } from "../../../doubles/saml/idp.js";
import { makeSigningKey, PROVIDER_ARN, roleArn, samlResponse } from "../../../doubles/saml/signer.js";
import { startStsDouble, type StsDouble } from "../../../doubles/saml/sts.js";

/**
 * Every source × exchange, as a user runs them one after another into one credentials file:
 * --saml-response, --idp-url and --listen, each into STS (the checking double) and into a
 * Cognito identity pool (moto). No AWS credentials or region in the environment.
 */
const key = makeSigningKey();
const PASSWORD = "s3cret-Pa55";

describeWithMoto("saml sources × exchanges", (moto) => {
  let idp: TestIdp;
  let sts: StsDouble;
  let dir: string;
  let poolId: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "awsblog-saml-built-"));
    idp = await startTestIdp({ key, users: { "EXAMPLE\\jane": PASSWORD }, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`], now: () => new Date() });
    sts = await startStsDouble({ providers: { [PROVIDER_ARN]: key.publicKey }, roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN] } }, now: () => new Date() });
    const cognito = new CognitoIdentityClient(motoClientConfig(moto().url));
    poolId = (await cognito.send(new CreateIdentityPoolCommand({ IdentityPoolName: "samljs", AllowUnauthenticatedIdentities: false, SamlProviderARNs: [PROVIDER_ARN] }))).IdentityPoolId!;
  });
  afterAll(async () => {
    await idp?.stop();
    await sts?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const exchanges = {
    sts: () => ["--endpoint-url", sts.url],
    pool: () => ["--endpoint-url", moto().url, "--identity-pool-id", poolId],
  };
  const env = (extra: Record<string, string> = {}) => ({
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_REGION: undefined,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
    AWSBLOG_CONFIG_DIR: join(dir, "config"),
    ...extra,
  });

  for (const [exchange, flags] of Object.entries(exchanges)) {
    it(`--saml-response - → ${exchange}`, async () => {
      const result = await awsblog(["saml", "login", ...flags(), "--saml-response", "-", "--write-profile", `file-${exchange}`, "-o", "json", "--debug"], {
        env: env(),
        input: samlResponse({ key, now: new Date() }),
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.json()).toMatchObject({ profile: `file-${exchange}`, roleArn: roleArn("ADFS-Dev") });
      expect(result.stderr).not.toMatch(/PHNhbWxwOlJlc3BvbnNl|aws_secret|SecretKey":"[^*]/);
    });

    it(`--idp-url (AD FS forms) → ${exchange}`, async () => {
      const result = await awsblog(["saml", "login", ...flags(), "--idp-url", idp.adfsUrl, "--username", "EXAMPLE\\jane", "--password-stdin", "--write-profile", `adfs-${exchange}`, "-o", "json", "--debug"], {
        env: env(),
        input: `${PASSWORD}\n`,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.json()).toMatchObject({ profile: `adfs-${exchange}` });
      expect(result.stderr).not.toContain(PASSWORD);
      expect(result.stderr).not.toContain(idp.issued.at(-1)!.slice(0, 40));
    });

    it(`--listen → ${exchange}`, async () => {
      const port = await freePort();
      const running = awsblog(["saml", "login", ...flags(), "--listen", `127.0.0.1:${port}`, "--write-profile", `listen-${exchange}`, "-o", "json"], { env: env() });
      for (;;) {
        const up = await fetch(`http://127.0.0.1:${port}/saml`).then((r) => r.ok, () => false);
        if (up) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const answer = await fetch(`http://127.0.0.1:${port}/saml`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ SAMLResponse: samlResponse({ key, now: new Date() }) }).toString(),
      });
      expect(answer.status).toBe(200);
      const result = await running;
      expect(result.code, result.stderr).toBe(0);
      expect(result.json()).toMatchObject({ profile: `listen-${exchange}` });
    });
  }

  it("all six profiles are in the one credentials file, 0600", () => {
    const file = readFileSync(join(dir, "credentials"), "utf8");
    for (const name of ["file-sts", "adfs-sts", "listen-sts", "file-pool", "adfs-pool", "listen-pool"]) expect(file).toContain(`[${name}]`);
  });
});
