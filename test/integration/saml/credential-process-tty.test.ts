import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../../helpers/cli.js";
import { havePython, runOnTerminal } from "../../helpers/pty.js";
import { startTestIdp, type TestIdp } from "../../../doubles/saml/idp.js";
import { makeSigningKey, PROVIDER_ARN, roleArn } from "../../../doubles/saml/signer.js";
import { startStsDouble, type StsDouble } from "../../../doubles/saml/sts.js";

/**
 * As a credential_process: stdin is not the terminal and the SDK captures stdout and stderr,
 * so the password prompt must go to the controlling terminal (/dev/tty) — the test's
 * pseudo-terminal (helpers/pty.ts) — and stdout must hold only the Version 1 JSON.
 */
const required = process.env.AWSBLOG_REQUIRE_MOTO === "1";
if (!havePython && !required) console.warn("[awsblog tests] python3 not found: the /dev/tty prompt test is SKIPPED");

const key = makeSigningKey();
const PASSWORD = "tty-Pa55word";
let idp: TestIdp;
let sts: StsDouble;
let dir: string;

describe.skipIf(!havePython && !required)("saml login --credential-process prompts on /dev/tty", () => {
  beforeAll(async () => {
    if (!havePython) throw new Error("AWSBLOG_REQUIRE_MOTO=1 but python3 (the pseudo-terminal driver) is missing");
    dir = mkdtempSync(join(tmpdir(), "awsblog-saml-tty-"));
    idp = await startTestIdp({ key, users: { "EXAMPLE\\jane": PASSWORD }, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`], now: () => new Date() });
    sts = await startStsDouble({ providers: { [PROVIDER_ARN]: key.publicKey }, roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN] } }, now: () => new Date() });
  });
  afterAll(async () => {
    await idp?.stop();
    await sts?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("asks for the password on the terminal, prints only the JSON on stdout", async () => {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const out = join(dir, "out");
    const err = join(dir, "err");
    const command = [process.execPath, BIN, "--endpoint-url", sts.url, "saml", "login", "--credential-process", "--idp-url", idp.adfsUrl, "--username", "EXAMPLE\\jane"]
      .map(quote)
      .join(" ");
    const run = await runOnTerminal(["sh", "-c", `${command} </dev/null >${quote(out)} 2>${quote(err)}`], {
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWSBLOG_CONFIG_DIR: join(dir, "config") },
      steps: [{ after: "Password: ", keys: `${PASSWORD}\r` }],
      timeout: 25,
    });
    expect(run.seen).toBe(1);
    expect(run.output).not.toContain(PASSWORD);
    expect(run.code, run.output).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
    expect(doc).toMatchObject({ Version: 1 });
    expect(String(doc.AccessKeyId)).toMatch(/^ASIA/);
    expect(readFileSync(err, "utf8")).toBe("");
  }, 30_000);
});
