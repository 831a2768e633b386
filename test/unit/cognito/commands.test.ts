import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { login } from "../../../src/commands/cognito/login.js";
import { token } from "../../../src/commands/cognito/token.js";
import type { AuthStep, CognitoApi } from "../../../src/lib/aws/cognito.js";
import { secretHash } from "../../../src/lib/cognito/secret-hash.js";
import type { Context } from "../../../src/lib/context.js";
import { createOutput } from "../../../src/lib/output.js";

function jwt(claims: Record<string, unknown>): string {
  return ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");
}

function context(env: NodeJS.ProcessEnv, now: Date): { ctx: Context; stderr: () => string } {
  let err = "";
  const out = createOutput({ format: "json", quiet: false, color: false, debug: true, stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } });
  const ctx = { globals: { output: "json", color: false, quiet: false, debug: true }, out, aws: { calls: new Map() }, signal: new AbortController().signal, env, stdin: { isTTY: false }, now: () => now } as unknown as Context;
  return { ctx, stderr: () => err };
}

function fakeApi(steps: AuthStep[]) {
  const sent: Record<string, unknown>[] = [];
  const api = {
    async initiateAuth(input: Record<string, unknown>) {
      sent.push(input);
      return steps.shift()!;
    },
  } as unknown as CognitoApi;
  return { api, sent };
}

describe("login and token commands (fake Cognito)", () => {
  it("refresh hashes Cognito's own username (cognito:username), not the alias typed at login; the secret is never cached", async () => {
    const dir = await mkdtemp(join(tmpdir(), "awsblog-cmd-"));
    const env = { AWSBLOG_CONFIG_DIR: dir, AWSBLOG_PASSWORD: "pw-Unique-123" };
    const idToken = jwt({ "cognito:username": "jdoe-internal", iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool9" });
    const first = fakeApi([{ challengeParameters: {}, tokens: { idToken, accessToken: "a.b.c", refreshToken: "refresh-tok-r1", expiresIn: 3600 } }]);
    const t0 = new Date("2026-11-25T09:00:00Z");
    const { ctx } = context(env, t0);
    const result = await login({ clientId: "cid", username: "jdoe@example.com", flow: "password", clientSecret: "s3cr3t" }, ctx, { api: first.api });
    expect(result.data).toEqual({ idToken, accessToken: "a.b.c", refreshToken: "refresh-tok-r1", expiresAt: "2026-11-25T10:00:00.000Z", username: "jdoe@example.com" });
    expect(first.sent[0]).toMatchObject({ parameters: { USERNAME: "jdoe@example.com", SECRET_HASH: secretHash("s3cr3t", "jdoe@example.com", "cid") } });

    const [file] = await readdir(join(dir, "cognito"));
    const cached = JSON.parse(await readFile(join(dir, "cognito", file!), "utf8"));
    expect(cached).toMatchObject({ cognitoUsername: "jdoe-internal", region: "eu-west-1", userPoolId: "eu-west-1_Pool9" });
    expect(JSON.stringify(cached)).not.toContain("s3cr3t");

    // Still valid: no call.
    const none = fakeApi([]);
    expect((await token({}, context(env, new Date("2026-11-25T09:30:00Z")).ctx, { api: none.api })).data).toMatchObject({ refreshed: false });
    expect(none.sent).toEqual([]);

    // Within a minute of expiry: refreshed with the cached SECRET_HASH of cognito:username.
    const idToken2 = jwt({ "cognito:username": "jdoe-internal" });
    const refresh = fakeApi([{ challengeParameters: {}, tokens: { idToken: idToken2, accessToken: "a2.b.c", expiresIn: 3600 } }]);
    const later = context(env, new Date("2026-11-25T09:59:30Z"));
    const out = await token({ print: "id" }, later.ctx, { api: refresh.api });
    expect(out.data).toBe(idToken2);
    expect(refresh.sent[0]).toEqual({
      clientId: "cid",
      authFlow: "REFRESH_TOKEN_AUTH",
      parameters: { REFRESH_TOKEN: "refresh-tok-r1", SECRET_HASH: secretHash("s3cr3t", "jdoe-internal", "cid") },
    });
    const after = JSON.parse(await readFile(join(dir, "cognito", file!), "utf8"));
    expect(after).toMatchObject({ idToken: idToken2, refreshToken: "refresh-tok-r1", expiresAt: "2026-11-25T10:59:30.000Z" });
    for (const secret of ["pw-Unique-123", "s3cr3t", "refresh-tok-r1", idToken2]) expect(later.stderr()).not.toContain(secret);
  });
});
