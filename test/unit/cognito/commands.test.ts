import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AuthStep, CognitoApi } from "../../../src/lib/aws/cognito.js";
import { secretHash } from "../../../src/lib/cognito/secret-hash.js";
import { createSrpClient } from "../../../src/lib/cognito/srp.js";
import { awsblog } from "../../helpers/in-process.js";

function jwt(claims: Record<string, unknown>): string {
  return ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");
}

/** A fake Cognito that answers InitiateAuth with the scripted steps, and the regions it was built for. */
function fakeCognito(steps: AuthStep[]) {
  const sent: Record<string, unknown>[] = [];
  const regions: (string | undefined)[] = [];
  const api = {
    async initiateAuth(input: Record<string, unknown>) {
      sent.push(input);
      return steps.shift()!;
    },
  } as unknown as CognitoApi;
  const services = {
    cognito: async (region?: string) => {
      regions.push(region);
      return api;
    },
  };
  return { services, sent, regions };
}

const at = (iso: string) => () => new Date(iso);

describe("login and token commands (fake Cognito, in-process)", () => {
  it("refresh hashes Cognito's own username (cognito:username), not the alias typed at login; the secret is never cached", async () => {
    const dir = await mkdtemp(join(tmpdir(), "awsblog-cmd-"));
    const env = { AWSBLOG_CONFIG_DIR: dir, AWSBLOG_PASSWORD: "pw-Unique-123" };
    const idToken = jwt({ "cognito:username": "jdoe-internal", iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool9" });
    const first = fakeCognito([{ challengeParameters: {}, tokens: { idToken, accessToken: "a.b.c", refreshToken: "refresh-tok-r1", expiresIn: 3600 } }]);
    const login = await awsblog(
      ["cognito", "login", "--client-id", "cid", "--username", "jdoe@example.com", "--flow", "password", "--client-secret", "s3cr3t", "-o", "json", "--debug"],
      { env, services: first.services, now: at("2026-11-25T09:00:00Z") },
    );
    expect(login.code, login.stderr).toBe(0);
    expect(login.json()).toEqual({ idToken, accessToken: "a.b.c", refreshToken: "refresh-tok-r1", expiresAt: "2026-11-25T10:00:00.000Z", username: "jdoe@example.com" });
    expect(first.sent[0]).toMatchObject({ parameters: { USERNAME: "jdoe@example.com", SECRET_HASH: secretHash("s3cr3t", "jdoe@example.com", "cid") } });

    const [file] = await readdir(join(dir, "cognito"));
    const cached = JSON.parse(await readFile(join(dir, "cognito", file!), "utf8"));
    expect(cached).toMatchObject({ cognitoUsername: "jdoe-internal", region: "eu-west-1", userPoolId: "eu-west-1_Pool9" });
    expect(JSON.stringify(cached)).not.toContain("s3cr3t");

    // Still valid: no call.
    const none = fakeCognito([]);
    const valid = await awsblog(["cognito", "token", "-o", "json"], { env, services: none.services, now: at("2026-11-25T09:30:00Z") });
    expect(valid.json()).toMatchObject({ refreshed: false });
    expect(none.sent).toEqual([]);

    // Within a minute of expiry: refreshed with the cached SECRET_HASH of cognito:username, in the pool's region.
    const idToken2 = jwt({ "cognito:username": "jdoe-internal" });
    const refresh = fakeCognito([{ challengeParameters: {}, tokens: { idToken: idToken2, accessToken: "a2.b.c", expiresIn: 3600 } }]);
    const later = await awsblog(["cognito", "token", "--print", "id", "--debug"], { env, services: refresh.services, now: at("2026-11-25T09:59:30Z") });
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout.trim()).toBe(idToken2);
    expect(refresh.regions).toEqual(["eu-west-1"]);
    expect(refresh.sent[0]).toEqual({
      clientId: "cid",
      authFlow: "REFRESH_TOKEN_AUTH",
      parameters: { REFRESH_TOKEN: "refresh-tok-r1", SECRET_HASH: secretHash("s3cr3t", "jdoe-internal", "cid") },
    });
    const after = JSON.parse(await readFile(join(dir, "cognito", file!), "utf8"));
    expect(after).toMatchObject({ idToken: idToken2, refreshToken: "refresh-tok-r1", expiresAt: "2026-11-25T10:59:30.000Z" });
    for (const secret of ["pw-Unique-123", "s3cr3t", "refresh-tok-r1", idToken2]) expect(later.stderr).not.toContain(secret);
    for (const secret of ["pw-Unique-123", "s3cr3t", "refresh-tok-r1"]) expect(login.stderr).not.toContain(secret);
  });

  it("a required flag missing is a usage error (exit 2) before Cognito is built", async () => {
    const fake = fakeCognito([]);
    for (const [args, flag] of [
      [["cognito", "signup", "--username", "u"], "--client-id"],
      [["cognito", "confirm", "--client-id", "c", "--username", "u"], "--code"],
      [["cognito", "resend-code", "--client-id", "c"], "--username"],
      [["cognito", "login", "--username", "u", "--flow", "password"], "--client-id"],
    ] as const) {
      const run = await awsblog([...args], { services: fake.services, env: { AWSBLOG_PASSWORD: "pw" } });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^awsblog: ${flag} is required — pass .*${flag} <\\w+>\n$`));
    }
    expect(fake.regions).toEqual([]);
  });

  it("on a terminal, the password and MFA prompts go to stderr (ctx.stderr), never stdout", async () => {
    const dir = await mkdtemp(join(tmpdir(), "awsblog-cmd-"));
    const fake = fakeCognito([
      { challengeName: "SOFTWARE_TOKEN_MFA", challengeParameters: {}, session: "s1" },
    ]);
    const answered: Record<string, unknown>[] = [];
    const api = fake.services.cognito;
    const services = {
      cognito: async (region?: string) => ({
        ...(await api(region)),
        async respondToAuthChallenge(input: Record<string, unknown>) {
          answered.push(input);
          return { challengeParameters: {}, tokens: { idToken: jwt({ sub: "s" }), accessToken: "a.b.c", expiresIn: 3600 } };
        },
      }) as unknown as CognitoApi,
      prompt: async (question: string, options: { output: { write(text: string): unknown }; hidden: boolean }) => {
        options.output.write(`${question}${options.hidden ? "" : "123456"}\n`);
        return options.hidden ? "typed-Passw0rd" : "123456";
      },
    };
    const run = await awsblog(["cognito", "login", "--client-id", "cid", "--username", "jdoe", "--flow", "password"], {
      env: { AWSBLOG_CONFIG_DIR: dir },
      tty: true,
      services,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Password: \n");
    expect(run.stderr).toContain("Authenticator app code: 123456");
    expect(run.stdout).not.toMatch(/Password|Authenticator/);
    expect(run.stdout).toContain("logged in as jdoe");
    expect(fake.sent[0]).toMatchObject({ parameters: { USERNAME: "jdoe", PASSWORD: "typed-Passw0rd" } });
    expect(answered[0]).toMatchObject({ challengeName: "SOFTWARE_TOKEN_MFA", responses: { SOFTWARE_TOKEN_MFA_CODE: "123456" } });
  });

  it("SRP takes its private value from services.randomBytes and its TIMESTAMP from the pinned clock", async () => {
    const dir = await mkdtemp(join(tmpdir(), "awsblog-cmd-"));
    const fake = fakeCognito([{ challengeName: "PASSWORD_VERIFIER", session: "s", challengeParameters: { USER_ID_FOR_SRP: "jdoe", SRP_B: "ab12", SALT: "cd34", SECRET_BLOCK: "QUJD" } }]);
    const answered: Record<string, unknown>[] = [];
    const sizes: number[] = [];
    const services = {
      cognito: async (region?: string) => ({
        ...(await fake.services.cognito(region)),
        async respondToAuthChallenge(input: Record<string, unknown>) {
          answered.push(input);
          return { challengeParameters: {}, tokens: { idToken: jwt({ sub: "s" }), accessToken: "a.b.c", expiresIn: 3600 } };
        },
      }) as unknown as CognitoApi,
      randomBytes: (size: number) => (sizes.push(size), Buffer.alloc(size, 0x42)),
    };
    const run = await awsblog(["cognito", "login", "--client-id", "cid", "--username", "jdoe", "--user-pool-id", "eu-west-1_Pool1"], {
      env: { AWSBLOG_CONFIG_DIR: dir, AWSBLOG_PASSWORD: "pw" },
      services,
      now: at("2026-11-05T09:04:05Z"),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(sizes).toEqual([128]);
    const expected = createSrpClient("eu-west-1_Pool1", { randomBytes: (size) => Buffer.alloc(size, 0x42), now: at("2026-11-05T09:04:05Z") });
    expect(fake.sent[0]).toMatchObject({ authFlow: "USER_SRP_AUTH", parameters: { USERNAME: "jdoe", SRP_A: expected.srpA } });
    expect(fake.regions).toEqual(["eu-west-1"]);
    const proof = expected.answer({ USER_ID_FOR_SRP: "jdoe", SRP_B: "ab12", SALT: "cd34", SECRET_BLOCK: "QUJD" }, "pw");
    expect(answered[0]).toMatchObject({ challengeName: "PASSWORD_VERIFIER", responses: { ...proof, TIMESTAMP: "Thu Nov 5 09:04:05 UTC 2026" } });
  });
});
