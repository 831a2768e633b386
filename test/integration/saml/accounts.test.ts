import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { makeSigningKey, PROVIDER_ARN, providerArn, roleArn, samlResponse } from "../../../doubles/saml/signer.js";
import { startStsDouble, type StsDouble } from "../../../doubles/saml/sts.js";

/** `--account` (an id or a name from [saml-accounts] in the AWS config file) narrows the roles; `saml roles` shows the names. */
const key = makeSigningKey();
const NOW = new Date("2026-12-02T04:00:00Z");
const SHOP = "210987654321";
let sts: StsDouble;
let dir: string;
let configFile: string;

beforeAll(async () => {
  sts = await startStsDouble({
    providers: { [PROVIDER_ARN]: key.publicKey, [providerArn(SHOP)]: key.publicKey },
    roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN] }, [roleArn("ADFS-Dev", SHOP)]: { trusts: [providerArn(SHOP)] }, [roleArn("ADFS-Prod", SHOP)]: { trusts: [providerArn(SHOP)] } },
    now: () => NOW,
  });
});
afterAll(() => sts?.stop());
beforeEach(() => {
  sts.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), "awsblog-saml-accounts-"));
  configFile = join(dir, "config");
  writeFileSync(configFile, `[profile dev]\nregion = eu-west-1\n\n[saml-accounts]\n# names for the ids\n123456789012 = payments\n${SHOP} = shop ; the web shop\nnot-an-id = ignored\n`);
  return () => rmSync(dir, { recursive: true, force: true });
});

const response = () => samlResponse({ key, now: NOW, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`, `${roleArn("ADFS-Dev", SHOP)},${providerArn(SHOP)}`, `${roleArn("ADFS-Prod", SHOP)},${providerArn(SHOP)}`] });
const run = (args: string[]) =>
  awsblog(["--endpoint-url", sts.url, "saml", ...args], {
    now: () => NOW,
    env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") },
  });

describe("--account and [saml-accounts]", () => {
  it("saml roles shows each account's name; --account by name keeps that account's roles", async () => {
    const all = await run(["roles", "--saml-response", response(), "-o", "json"]);
    expect(all.code).toBe(0);
    expect((all.json() as { roles: { accountId: string; accountAlias: string | null }[] }).roles.map((r) => [r.accountId, r.accountAlias])).toEqual([
      ["123456789012", "payments"],
      [SHOP, "shop"],
      [SHOP, "shop"],
    ]);
    const shop = await run(["roles", "--saml-response", response(), "--account", "shop"]);
    expect(shop.code).toBe(0);
    expect(shop.stdout).toContain(`${SHOP} (shop)  ADFS-Dev`);
    expect(shop.stdout).toContain(`${SHOP} (shop)  ADFS-Prod`);
    expect(shop.stdout).not.toContain("payments");
  });

  it("saml login --account: a role name found in two accounts becomes one; the only role of an account needs no choice", async () => {
    const byName = await run(["login", "--saml-response", response(), "--account", "shop", "--role", "ADFS-Dev", "-o", "json"]);
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.json()).toMatchObject({ roleArn: roleArn("ADFS-Dev", SHOP), accountId: SHOP });
    const only = await run(["login", "--saml-response", response(), "--account", "123456789012", "-o", "json"]);
    expect(only.code, only.stderr).toBe(0);
    expect(only.json()).toMatchObject({ roleArn: roleArn("ADFS-Dev") });
    expect(sts.requests.map((r) => r.params.RoleArn)).toEqual([roleArn("ADFS-Dev", SHOP), roleArn("ADFS-Dev")]);
  });

  it("the role prompt on a terminal names the accounts", async () => {
    const keys = Object.assign(Readable.from(["3\r"]), { setRawMode: () => undefined });
    const result = await awsblog(["--endpoint-url", sts.url, "saml", "login", "--saml-response", response(), "-o", "json"], {
      now: () => NOW,
      tty: true,
      input: keys,
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("  1) 123456789012 (payments)  ADFS-Dev");
    expect(result.stderr).toContain(`  3) ${SHOP} (shop)  ADFS-Prod`);
    expect(result.json()).toMatchObject({ roleArn: roleArn("ADFS-Prod", SHOP) });
  });

  it("an unknown name, or an account the assertion does not cover: exit 2 on one line, nothing sent", async () => {
    const unknown = await run(["login", "--saml-response", response(), "--account", "billing"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^awsblog: --account "billing" is neither a 12-digit account id nor a name in \[saml-accounts\] of .*config — pass the id, or add a line "123456789012 = billing" under \[saml-accounts\]\n$/);
    const elsewhere = await run(["login", "--saml-response", response(), "--account", "111122223333"]);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toBe(`awsblog: the assertion grants no role in account 111122223333 — it grants roles in: 123456789012 (payments), ${SHOP} (shop)\n`);
    expect(sts.requests).toHaveLength(0);
  });

  it("botocore (the AWS CLI's and boto3's reader) reads the same config file: the section is not a profile, the profiles still work", () => {
    const script = "import botocore.session as b; s = b.Session(profile='dev'); print(sorted(s.available_profiles), s.get_config_variable('region'))";
    const result = spawnSync("python3", ["-c", script], { encoding: "utf8", env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: "/dev/null" } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe("['dev'] eu-west-1\n");
  });
});
