import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../../helpers/cli.js";
import { startTestIdp, type TestIdp } from "../../../doubles/saml/idp.js";
import { makeSigningKey, PROVIDER_ARN, roleArn } from "../../../doubles/saml/signer.js";
import { startStsDouble, type StsDouble } from "../../../doubles/saml/sts.js";

/**
 * botocore as the real client of the cache: 20 Python processes start at once, each resolving
 * a profile whose `credential_process` is `awsblog saml login … --credential-process`. They
 * must cost one IdP sign-in and one AssumeRoleWithSAML call, and all get the same keys.
 */
const required = process.env.AWSBLOG_REQUIRE_MOTO === "1";
const haveBoto3 = spawnSync("python3", ["-c", "import boto3"], { stdio: "ignore" }).status === 0;
if (!haveBoto3 && !required) console.warn("[awsblog tests] python3 with boto3 not found: the botocore credential_process test is SKIPPED");

const key = makeSigningKey();
const PASSWORD = "boto-Pa55word";
const USER = "jane@example.com";
let idp: TestIdp;
let sts: StsDouble;
let dir: string;

/** boto3 is imported once; 20 forked processes then each resolve the profile at the same time. */
const SCRIPT = `
import multiprocessing, boto3
def resolve(_):
    creds = boto3.Session(profile_name="saml-dev").get_credentials().get_frozen_credentials()
    return f"{creds.access_key} {creds.token is not None}"
with multiprocessing.get_context("fork").Pool(20) as pool:
    for line in pool.map(resolve, range(20)):
        print(line)
`;

function python(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", SCRIPT], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!haveBoto3 && !required)("botocore credential_process through the credentials cache", () => {
  beforeAll(async () => {
    if (!haveBoto3) throw new Error("AWSBLOG_REQUIRE_MOTO=1 but python3 with boto3 is missing");
    dir = mkdtempSync(join(tmpdir(), "awsblog-saml-boto-"));
    idp = await startTestIdp({ key, users: { [USER]: PASSWORD }, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`], now: () => new Date() });
    sts = await startStsDouble({ providers: { [PROVIDER_ARN]: key.publicKey }, roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN] } }, now: () => new Date() });
  });
  afterAll(async () => {
    await idp?.stop();
    await sts?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("20 concurrent botocore processes: 1 IdP sign-in, 1 AssumeRoleWithSAML call, the same credentials for all", async () => {
    const config = join(dir, "config");
    const command = [process.execPath, BIN, "--endpoint-url", sts.url, "saml", "login", "--idp-url", idp.adfsUrl, "--username", USER, "--role", "ADFS-Dev", "--credential-process"];
    writeFileSync(config, `[profile saml-dev]\nregion = us-east-1\ncredential_process = ${command.join(" ")}\n`);
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWSBLOG_CONFIG_DIR: join(dir, "awsblog"),
      AWSBLOG_PASSWORD: PASSWORD,
    };
    const run = await python(env);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(20);
    const keys = new Set(lines);
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^ASIA\w+ True$/);
    expect(idp.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(sts.requests).toHaveLength(1);
    expect(sts.requests[0]!.outcome).toBe("ok");
  }, 120_000);
});
