import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { makeSigningKey, PROVIDER_ARN, providerArn, roleArn, samlResponse } from "../../../doubles/saml/signer.js";
import { startStsDouble, type StsDouble } from "../../../doubles/saml/sts.js";

/**
 * `saml login` and `saml roles` through the real SDK against an STS double that checks the
 * signature, the time window, the audience and the role pair as AWS does.
 */
const key = makeSigningKey();
const NOW = new Date("2026-12-02T04:00:00Z");
const OTHER = "210987654321";
let clock = NOW;
let sts: StsDouble;
let dir: string;
let credentialsFile: string;

beforeAll(async () => {
  sts = await startStsDouble({
    providers: { [PROVIDER_ARN]: key.publicKey, [providerArn(OTHER)]: key.publicKey },
    roles: {
      [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN], maxSessionDuration: 3600 },
      [roleArn("ADFS-Long")]: { trusts: [PROVIDER_ARN], maxSessionDuration: 43_200 },
      [roleArn("ADFS-Short")]: { trusts: [PROVIDER_ARN], maxSessionDuration: 900 },
      [roleArn("ADFS-Prod", OTHER)]: { trusts: [providerArn(OTHER)], maxSessionDuration: 3600 },
    },
    now: () => clock,
  });
});
afterAll(() => sts?.stop());
beforeEach(() => {
  clock = NOW;
  sts.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), "awsblog-saml-"));
  credentialsFile = join(dir, "credentials");
  return () => rmSync(dir, { recursive: true, force: true });
});

/** The CLI with no AWS credentials at all: AssumeRoleWithSAML needs none. */
function run(args: string[], options: { input?: string; env?: Record<string, string | undefined>; tty?: boolean } = {}) {
  return awsblog(["--endpoint-url", sts.url, ...args], {
    now: () => clock,
    input: options.input,
    tty: options.tty,
    env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, ...options.env },
  });
}

const pair = (role: string, account?: string) => `${roleArn(role, account)},${providerArn(account)}`;

describe("saml login via STS", () => {
  it("exchanges a signed assertion with no AWS credentials configured, unsigned, and writes the profile", async () => {
    writeFileSync(credentialsFile, "# my keys\n[default]\naws_access_key_id = AKIAOLD\naws_secret_access_key = stale\n\n[saml]\nregion = eu-west-1\naws_access_key_id = OLD\n", { mode: 0o644 });
    const response = samlResponse({ key, now: NOW, roles: [pair("ADFS-Dev")] });
    const result = await run(["saml", "login", "--saml-response", response, "-o", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({
      profile: "saml",
      roleArn: roleArn("ADFS-Dev"),
      principalArn: PROVIDER_ARN,
      accountId: "123456789012",
      subject: "EXAMPLE\\jane",
      expiration: "2026-12-02T05:00:00.000Z",
      durationSeconds: 3600,
      cached: false,
    });
    expect(sts.requests).toHaveLength(1);
    expect(sts.requests[0]!.outcome).toBe("ok");
    expect(sts.requests[0]!.headers.authorization).toBeUndefined();
    expect(sts.requests[0]!.headers["x-amz-security-token"]).toBeUndefined();
    expect(sts.requests[0]!.params).toMatchObject({ RoleArn: roleArn("ADFS-Dev"), PrincipalArn: PROVIDER_ARN, DurationSeconds: "3600", SAMLAssertion: response });

    const file = readFileSync(credentialsFile, "utf8");
    expect(file).toMatch(/^# my keys\n\[default\]\naws_access_key_id = AKIAOLD\naws_secret_access_key = stale\n\n\[saml\]\naws_access_key_id = ASIA/);
    expect(file).toContain("x_security_token_expires = 2026-12-02T05:00:00.000Z");
    expect(file).toContain("region = eu-west-1");
    expect(file).not.toContain("= OLD");
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    expect(result.stdout).not.toMatch(/ASIA|aws_secret/);
  });

  it("ignores stale keys in the environment and the credentials file: nothing is signed", async () => {
    writeFileSync(credentialsFile, "[default]\naws_access_key_id = AKIASTALE\naws_secret_access_key = stale\n");
    const result = await run(["saml", "login", "--saml-response", samlResponse({ key, now: NOW }), "-o", "json"], {
      env: { AWS_ACCESS_KEY_ID: "AKIASTALE", AWS_SECRET_ACCESS_KEY: "stale", AWS_SESSION_TOKEN: "expired" },
    });
    expect(result.code).toBe(0);
    expect(sts.requests[0]!.headers.authorization).toBeUndefined();
    expect(sts.requests[0]!.headers["x-amz-security-token"]).toBeUndefined();
  });

  it("steps the duration down when the role's maximum is lower, and says what was granted", async () => {
    const long = await run(["saml", "login", "--saml-response", samlResponse({ key, now: NOW, roles: [pair("ADFS-Long")], sessionDuration: 28_800 }), "-o", "json"]);
    expect(long.json()).toMatchObject({ durationSeconds: 28_800, expiration: "2026-12-02T12:00:00.000Z" });
    sts.requests.length = 0;

    const short = await run(["saml", "login", "--saml-response", samlResponse({ key, now: NOW, roles: [pair("ADFS-Short")], sessionDuration: 28_800 }), "-o", "json"]);
    expect(short.code).toBe(0);
    expect(sts.requests.map((r) => [r.params.DurationSeconds, r.outcome])).toEqual([
      ["28800", "ValidationError"],
      ["3600", "ValidationError"],
      ["900", "ok"],
    ]);
    expect(short.json()).toMatchObject({ durationSeconds: 900, expiration: "2026-12-02T04:15:00.000Z" });
    expect(short.stderr).toContain("ADFS-Short: the role allows less than 28800 s; granted 900 s");
  });

  it("mints one profile per role from one assertion with --all-roles and a name template", async () => {
    const response = samlResponse({ key, now: NOW, roles: [pair("ADFS-Dev"), pair("ADFS-Prod", OTHER)] });
    const result = await run(["saml", "login", "--saml-response", response, "--all-roles", "--write-profile", "{account}-{role}", "-o", "json"]);
    expect(result.code).toBe(0);
    expect((result.json() as { profile: string }[]).map((p) => p.profile)).toEqual(["123456789012-ADFS-Dev", `${OTHER}-ADFS-Prod`]);
    const file = readFileSync(credentialsFile, "utf8");
    expect(file).toContain("[123456789012-ADFS-Dev]");
    expect(file).toContain(`[${OTHER}-ADFS-Prod]`);

    const repeated = await run(["saml", "login", "--saml-response", response, "--role", "ADFS-Prod", "--role", "ADFS-Dev", "--write-profile", "x-{role}", "-o", "json"]);
    expect((repeated.json() as { profile: string }[]).map((p) => p.profile)).toEqual(["x-ADFS-Prod", "x-ADFS-Dev"]);

    const clash = await run(["saml", "login", "--saml-response", response, "--all-roles"]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/gives several roles the same profile name — use '\{account\}-\{role\}'/);
  });

  it("a batch where AWS refuses one role: the others' profiles are written, the refusal listed, exit 4", async () => {
    const response = samlResponse({ key, now: NOW, roles: [pair("ADFS-Dev"), pair("Ghost")] });
    const result = await run(["saml", "login", "--saml-response", response, "--all-roles", "--write-profile", "{role}", "-o", "json"]);
    expect(result.code).toBe(4);
    const data = result.json<{ profile: string; error?: string }[]>();
    expect(data.map((d) => [d.profile, d.error === undefined ? "ok" : d.error.split(" ")[0]])).toEqual([
      ["ADFS-Dev", "ok"],
      ["Ghost", "STS"],
    ]);
    expect(data[1]!.error).toMatch(/AccessDenied/);
    const file = readFileSync(credentialsFile, "utf8");
    expect(file).toContain("[ADFS-Dev]");
    expect(file).not.toContain("[Ghost]");
    expect(result.stderr).toMatch(/^warning: Ghost: STS AssumeRoleWithSAML failed: AccessDenied/m);
  });

  it("several roles on a terminal: a numbered prompt on stderr picks one", async () => {
    const response = samlResponse({ key, now: NOW, roles: [pair("ADFS-Dev"), pair("ADFS-Long")] });
    writeFileSync(join(dir, "response.b64"), response);
    const keys = Object.assign(Readable.from(["2\r"]), { setRawMode: () => undefined });
    const result = await awsblog(["--endpoint-url", sts.url, "saml", "login", "--saml-response", `@${join(dir, "response.b64")}`, "-o", "json"], {
      now: () => clock,
      tty: true,
      input: keys,
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: credentialsFile },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("  2) 123456789012  ADFS-Long");
    expect(result.stdout).not.toContain("Role [1-2]");
    expect(result.json()).toMatchObject({ roleArn: roleArn("ADFS-Long") });
  });

  it("several roles without a choice on a pipe: exit 2 listing them, nothing sent", async () => {
    const response = samlResponse({ key, now: NOW, roles: [pair("ADFS-Dev"), pair("ADFS-Prod", OTHER)] });
    const result = await run(["saml", "login", "--saml-response", "-"], { input: response });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(roleArn("ADFS-Dev"));
    expect(result.stderr).toContain(roleArn("ADFS-Prod", OTHER));
    expect(result.stderr).toMatch(/— pass --role-arn/);
    expect(sts.requests).toHaveLength(0);
  });

  it("refuses expired, non-Success, unknown-role and garbage input with exit 2 before any call", async () => {
    const response = samlResponse({ key, now: NOW });
    clock = new Date(NOW.getTime() + 10 * 60_000);
    const expired = await run(["saml", "login", "--saml-response", response]);
    expect(expired.code).toBe(2);
    expect(expired.stderr).toMatch(/^awsblog: the SAML assertion expired at 2026-12-02T04:05:00.000Z — sign in/);
    clock = NOW;
    const failed = await run(["saml", "login", "--saml-response", samlResponse({ key, now: NOW, status: "urn:oasis:names:tc:SAML:2.0:status:Requester" })]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/did not succeed \(status Requester\)/);
    const wrongRole = await run(["saml", "login", "--saml-response", response, "--role-arn", roleArn("Admin")]);
    expect(wrongRole.code).toBe(2);
    expect(wrongRole.stderr).toMatch(/--role-arn arn:aws:iam::123456789012:role\/Admin is not among the assertion's roles — choose one of/);
    const garbage = await run(["saml", "login", "--saml-response", "@/nonexistent/file"]);
    expect(garbage.code).toBe(2);
    expect(sts.requests).toHaveLength(0);
  });

  it("STS refuses what it must: tampered, foreign-signed, wrong audience (the double can fail)", async () => {
    const good = samlResponse({ key, now: NOW });
    const tampered = Buffer.from(Buffer.from(good, "base64").toString().replace("EXAMPLE\\jane", "EXAMPLE\\eve!")).toString("base64");
    const result = await run(["saml", "login", "--saml-response", tampered]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: STS AssumeRoleWithSAML failed: InvalidIdentityToken\w* .* — AWS could not validate the assertion/);

    const foreign = await run(["saml", "login", "--saml-response", samlResponse({ key: makeSigningKey(), now: NOW })]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain("InvalidIdentityToken");

    const audience = await run(["saml", "login", "--saml-response", samlResponse({ key, now: NOW, audience: "urn:example:other" })]);
    expect(audience.code).toBe(1);
    expect(audience.stderr).toMatch(/AccessDenied .* — the role's trust policy/);

    const untrusted = await run(["saml", "login", "--saml-response", samlResponse({ key, now: NOW, roles: [`${roleArn("ADFS-Prod", OTHER)},${PROVIDER_ARN}`] })]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain("AccessDenied");
    expect(readFileSafe(credentialsFile)).toBe("");
  });

  it("--credential-process prints Version 1 JSON and writes no file", async () => {
    const result = await run(["saml", "login", "--saml-response", samlResponse({ key, now: NOW }), "--credential-process"]);
    expect(result.code).toBe(0);
    const doc = result.json<Record<string, unknown>>();
    expect(Object.keys(doc)).toEqual(["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]);
    expect(doc.Version).toBe(1);
    expect(doc.Expiration).toBe("2026-12-02T05:00:00.000Z");
    expect(readFileSafe(credentialsFile)).toBe("");
  });

  it("never leaks the assertion, keys or token under --debug", async () => {
    const response = samlResponse({ key, now: NOW });
    const result = await run(["--debug", "saml", "login", "--saml-response", response, "-o", "json"]);
    expect(result.code).toBe(0);
    const file = readFileSync(credentialsFile, "utf8");
    const secret = /aws_secret_access_key = (.*)/.exec(file)![1]!;
    const token = /aws_session_token = (.*)/.exec(file)![1]!;
    const all = result.stdout + result.stderr;
    expect(result.stderr).toContain("STS.AssumeRoleWithSAML");
    for (const leak of [response.slice(0, 40), secret, token.slice(0, 40)]) expect(all).not.toContain(leak);

    const failing = await run(["--debug", "saml", "login", "--saml-response", Buffer.from(Buffer.from(response, "base64").toString().replace("jane", "jann")).toString("base64")]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).not.toContain(response.slice(0, 40));
    expect(failing.stderr).not.toMatch(/SAMLAssertion=[A-Za-z0-9]/);
  });
});

describe("saml roles", () => {
  it("lists subject, expiry, duration and roles without calling AWS", async () => {
    const response = samlResponse({ key, now: NOW, sessionDuration: 7200, roles: [pair("ADFS-Dev"), `${providerArn(OTHER)},${roleArn("ADFS-Prod", OTHER)}`] });
    const result = await run(["saml", "roles", "--saml-response", response, "-o", "json"]);
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({
      subject: "EXAMPLE\\jane",
      issuer: "http://adfs.example.test/adfs/services/trust",
      notOnOrAfter: "2026-12-02T04:05:00.000Z",
      sessionDuration: 7200,
      roles: [
        { roleArn: roleArn("ADFS-Dev"), principalArn: PROVIDER_ARN, accountId: "123456789012", roleName: "ADFS-Dev" },
        { roleArn: roleArn("ADFS-Prod", OTHER), principalArn: providerArn(OTHER), accountId: OTHER, roleName: "ADFS-Prod" },
      ],
    });
    const text = await run(["saml", "roles", "--saml-response", response]);
    expect(text.stdout).toMatch(/210987654321 {2}ADFS-Prod/);
    expect(sts.requests).toHaveLength(0);
  });
});

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
