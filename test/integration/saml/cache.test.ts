import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { awsblog } from "../../helpers/in-process.js";
import { startTestIdp, type TestIdp } from "../../../doubles/saml/idp.js";
import { makeSigningKey, PROVIDER_ARN, roleArn } from "../../../doubles/saml/signer.js";
import { startStsDouble, type StsDouble } from "../../../doubles/saml/sts.js";

/** #20: the credentials cache in front of the forms sign-in, and the credential_process fast path. */
const key = makeSigningKey();
const PASSWORD = "Corr3ct horse!";
const recorder = fileURLToPath(new URL("../../helpers/record-imports.mjs", import.meta.url));
let clock = new Date("2026-12-06T09:00:00Z");
let idp: TestIdp;
let sts: StsDouble;
let dir: string;

beforeAll(async () => {
  idp = await startTestIdp({ key, users: { "EXAMPLE\\jane": PASSWORD }, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`, `${roleArn("ADFS-Ops")},${PROVIDER_ARN}`], now: () => clock });
  sts = await startStsDouble({
    providers: { [PROVIDER_ARN]: key.publicKey },
    roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN] }, [roleArn("ADFS-Ops")]: { trusts: [PROVIDER_ARN] } },
    now: () => clock,
  });
});
afterAll(async () => {
  await idp?.stop();
  await sts?.stop();
});
beforeEach(() => {
  clock = new Date("2026-12-06T09:00:00Z");
  idp.requests.length = 0;
  sts.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), "awsblog-saml-cache-"));
  return () => rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string | undefined> = {}) => ({
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
  AWSBLOG_CONFIG_DIR: join(dir, "config"),
  AWSBLOG_PASSWORD: PASSWORD,
  ...extra,
});
const login = (extra: string[] = []) => ["--endpoint-url", sts.url, "saml", "login", "--idp-url", idp.adfsUrl, "--username", "EXAMPLE\\jane", "--role", "ADFS-Dev", ...extra];
const run = (args: string[], extra: Record<string, string | undefined> = {}) => awsblog(args, { now: () => clock, env: env(extra) });
/** Password posts the IdP received: each is one sign-in. */
const signIns = () => idp.requests.filter((r) => r.method === "POST").length;

describe("saml login with the credentials cache", () => {
  it("credential_process answers from the cache: one sign-in and one STS call for repeated calls", async () => {
    const first = await run(login(["--credential-process"]));
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    clock = new Date(clock.getTime() + 30 * 60_000); // half an hour later: 30 min left > 15
    const second = await run(login(["--credential-process"]), { AWSBLOG_PASSWORD: undefined });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(signIns()).toBe(1);
    expect(sts.requests).toHaveLength(1);
    const files = readdirSync(join(dir, "config", "credentials"));
    expect(files).toEqual([expect.stringMatching(/^saml-[0-9a-f]{16}\.json$/)]);
    expect(statSync(join(dir, "config", "credentials", files[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "config", "credentials")).mode & 0o777).toBe(0o700);
  });

  it("signs in again when less than --min-remaining is left, and with --force", async () => {
    await run(login(["--credential-process"]));
    clock = new Date(clock.getTime() + 50 * 60_000); // 10 minutes left: below the default 15
    const renewed = await run(login(["--credential-process"]));
    expect(renewed.code).toBe(0);
    expect(sts.requests).toHaveLength(2);
    const cached = await run(login(["--credential-process", "--min-remaining", "30m"]));
    expect(cached.stdout).toBe(renewed.stdout);
    expect(sts.requests).toHaveLength(2);
    const tooShort = await run(login(["--credential-process", "--min-remaining", "2h"]));
    expect(tooShort.code).toBe(0);
    expect(sts.requests).toHaveLength(3);
    const forced = await run(login(["--credential-process", "--force"]));
    expect(forced.code).toBe(0);
    expect(sts.requests).toHaveLength(4);
    expect(JSON.parse(forced.stdout).AccessKeyId).not.toBe(JSON.parse(tooShort.stdout).AccessKeyId);
    const bad = await run(login(["--credential-process", "--min-remaining", "soon"]));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^awsblog: --min-remaining "soon" is not a span — /);
  });

  it("--write-profile answers from the cache too (cached: true), and writes the profile", async () => {
    await run(login(["--credential-process"]));
    const written = await run(login(["--write-profile", "dev", "-o", "json"]), { AWSBLOG_PASSWORD: undefined });
    expect(written.stderr).toBe("");
    expect(written.json()).toMatchObject({ profile: "dev", roleArn: roleArn("ADFS-Dev"), subject: "EXAMPLE\\jane", cached: true, durationSeconds: 3600 });
    expect(readFileSync(join(dir, "credentials"), "utf8")).toContain("[dev]");
    expect(sts.requests).toHaveLength(1);
  });

  it("saml logout forgets the cache: the next call signs in with the password again", async () => {
    await run(login(["--credential-process"]));
    const out = await run(["saml", "logout", "-o", "json"]);
    expect(out.json()).toMatchObject({ credentialsRemoved: 1 });
    const again = await run(login(["--credential-process"]));
    expect(again.code).toBe(0);
    expect(signIns()).toBe(2);
    expect(sts.requests).toHaveLength(2);
  });

  it("the cached call in a real process loads neither the CLI nor any package, and prints the same document", async () => {
    const childEnv = { ...env(), NODE_OPTIONS: `--import=${recorder}` };
    const log = join(dir, "imports.log");
    // A real clock here (a child process): credentials valid for an hour from now.
    clock = new Date();
    const first = await runCli(login(["--credential-process"]), { env: { ...childEnv, AWSBLOG_IMPORT_LOG: join(dir, "first.log") } });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(readFileSync(join(dir, "first.log"), "utf8")).toContain("dist/cli.js");
    const cached = await runCli(login(["--credential-process"]), { env: { ...childEnv, AWSBLOG_IMPORT_LOG: log, AWSBLOG_PASSWORD: undefined } });
    expect(cached.code).toBe(0);
    expect(cached.stdout).toBe(first.stdout);
    const loaded = readFileSync(log, "utf8");
    expect(loaded).toContain("bin/awsblog.js"); // the recorder ran (the fast path's CommonJS file is require()d, unrecorded)
    expect(loaded).not.toContain("dist/cli.js");
    expect(loaded).not.toMatch(/node_modules/);
    expect(sts.requests).toHaveLength(1);
    // --force and unknown flags go to the full CLI.
    const forced = await runCli(login(["--credential-process", "--force"]), { env: { ...childEnv, AWSBLOG_IMPORT_LOG: join(dir, "forced.log") } });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, "forced.log"), "utf8")).toContain("dist/cli.js");
    expect(sts.requests).toHaveLength(2);
  });
});
