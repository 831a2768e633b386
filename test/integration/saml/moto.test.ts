import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CognitoIdentityClient, CreateIdentityPoolCommand } from "@aws-sdk/client-cognito-identity";
import { afterAll, beforeAll, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { makeSigningKey, PROVIDER_ARN, roleArn, samlResponse } from "../../../doubles/saml/signer.js";

/**
 * The wire path against moto 5.2.1: STS AssumeRoleWithSAML (moto accepts any assertion, so
 * the checks live in the STS double's tests) and Part I's identity pool exchange.
 */
const key = makeSigningKey();

describeWithMoto("saml login against moto", (moto) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "awsblog-saml-moto-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string | undefined> = {}) =>
    awsblog(["--endpoint-url", moto().url, ...args], {
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_REGION: undefined, AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), ...env },
    });

  it("STS AssumeRoleWithSAML with no credentials and no region configured", async () => {
    const now = new Date();
    const result = await run(["saml", "login", "--saml-response", samlResponse({ key, now, sessionDuration: 1800 }), "--write-profile", "moto", "-o", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const data = result.json<{ profile: string; roleArn: string; durationSeconds: number; expiration: string }>();
    expect(data).toMatchObject({ profile: "moto", roleArn: roleArn("ADFS-Dev"), durationSeconds: 1800 });
    expect(Math.abs(new Date(data.expiration).getTime() - now.getTime() - 1800_000)).toBeLessThan(60_000);
    const file = readFileSync(join(dir, "credentials"), "utf8");
    expect(file).toMatch(/\[moto\]\naws_access_key_id = ASIA\w+\naws_secret_access_key = \S+\naws_session_token = \S+\n/);
  });

  it("Cognito identity pool: GetId + GetCredentialsForIdentity with the provider ARN as the login", async () => {
    const cognito = new CognitoIdentityClient(motoClientConfig(moto().url));
    const pool = await cognito.send(
      new CreateIdentityPoolCommand({ IdentityPoolName: "samljs", AllowUnauthenticatedIdentities: false, SamlProviderARNs: [PROVIDER_ARN] }),
    );
    const result = await run(["saml", "login", "--saml-response", samlResponse({ key, now: new Date() }), "--identity-pool-id", pool.IdentityPoolId!, "--write-profile", "pool", "-o", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const data = result.json<{ profile: string; subject: string; identityId: string }>();
    expect(data.profile).toBe("pool");
    expect(data.subject).toBe("EXAMPLE\\jane");
    expect(data.identityId).toMatch(/^us-east-1:/);
    expect(readFileSync(join(dir, "credentials"), "utf8")).toContain("[pool]");
  });

  it("a malformed identity pool id is a usage error before any call", async () => {
    const result = await run(["saml", "login", "--saml-response", samlResponse({ key, now: new Date() }), "--identity-pool-id", "nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not an identity pool id — pass it as <region>:<uuid>/);
  });
});
