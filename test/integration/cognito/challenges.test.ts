import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { beforeAll, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { adminConfirm, cachedEntries, createPool, expireAll, sdk, tempConfigDir, totp } from "./world.js";

// moto checks authenticator codes (doubles/moto-server.ts starts every server with
// MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true), so a wrong code is a CodeMismatchException.

const PASSWORD = "Str0ng-Passw0rd!";

/** A TOTP code that stays valid for the next few seconds (never one about to roll over). */
async function freshCode(secret: string): Promise<string> {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 25) await new Promise((resolve) => setTimeout(resolve, (30.5 - intoStep) * 1000));
  return totp(secret);
}

describeWithMoto("cognito login: SRP, MFA, new password, client secrets", (moto) => {
  let config: string;
  const cli = (args: string[], options: { input?: string; env?: Record<string, string | undefined> } = {}) =>
    awsblog([...args, "--endpoint-url", moto().url], { input: options.input, env: { AWSBLOG_CONFIG_DIR: config, ...options.env } });

  beforeAll(async () => {
    config = await tempConfigDir();
  });

  /** Signs a user up through the CLI and confirms them as an administrator. */
  async function registered(pool: { poolId: string; clientId: string; clientSecret?: string }, username: string): Promise<void> {
    const secret = pool.clientSecret ? ["--client-secret", pool.clientSecret] : [];
    const attrs = username.includes("@") ? [] : ["--attribute", `email=${username}@example.com`];
    const run = await cli(["cognito", "signup", "--client-id", pool.clientId, "--username", username, ...attrs, ...secret, "--password-stdin"], {
      input: `${PASSWORD}\n`,
    });
    expect(run.code, run.stderr).toBe(0);
    await adminConfirm(sdk(moto().url), pool.poolId, username);
  }

  it("SRP (the default flow) logs in an email-as-username user; Cognito's own username is the sub", async () => {
    const pool = await createPool(sdk(moto().url), { emailAsUsername: true });
    await registered(pool, "john@example.com");
    const run = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "john@example.com", "--user-pool-id", pool.poolId, "-o", "json"], {
      env: { AWSBLOG_PASSWORD: PASSWORD },
    });
    expect(run.code, run.stderr).toBe(0);
    const out = run.json<{ idToken: string; username: string }>();
    expect(out.username).toBe("john@example.com");
    const claims = JSON.parse(Buffer.from(out.idToken.split(".")[1]!, "base64url").toString());
    const user = await sdk(moto().url).send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "john@example.com" }));
    expect(claims["cognito:username"]).toBe(user.Username);
  });

  it("SRP without --user-pool-id is a usage error before any call", async () => {
    const run = await cli(["cognito", "login", "--client-id", "abc", "--username", "u"], { env: { AWSBLOG_PASSWORD: PASSWORD } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/needs --user-pool-id/);
  });

  it("answers SOFTWARE_TOKEN_MFA over SRP with a client secret; nothing secret reaches stderr under --debug", async () => {
    const client = sdk(moto().url);
    const pool = await createPool(client, { emailAsUsername: true, secret: true, mfa: "OPTIONAL" });
    await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } }));
    await registered(pool, "ana@example.com");
    const first = await cli(
      ["cognito", "login", "--client-id", pool.clientId, "--username", "ana@example.com", "--user-pool-id", pool.poolId, "--client-secret", pool.clientSecret!, "-o", "json"],
      { env: { AWSBLOG_PASSWORD: PASSWORD } },
    );
    expect(first.code, first.stderr).toBe(0);
    const accessToken = first.json<{ accessToken: string }>().accessToken;
    const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    await client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: await freshCode(SecretCode!) }));
    await client.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));

    const withoutSecret = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "ana@example.com", "--user-pool-id", pool.poolId], {
      env: { AWSBLOG_PASSWORD: PASSWORD },
    });
    expect(withoutSecret.code).toBe(1);
    expect(withoutSecret.stderr).toMatch(/NotAuthorizedException.*pass --client-secret/);

    const base = ["cognito", "login", "--client-id", pool.clientId, "--username", "ana@example.com", "--user-pool-id", pool.poolId, "--client-secret", pool.clientSecret!];
    const noCode = await cli(base, { env: { AWSBLOG_PASSWORD: PASSWORD } });
    expect(noCode.code).toBe(2);
    expect(noCode.stderr).toMatch(/Authenticator app code.*--mfa-code/);

    const wrong = await cli([...base, "--mfa-code", String((Number(await freshCode(SecretCode!)) + 1) % 1_000_000).padStart(6, "0")], {
      env: { AWSBLOG_PASSWORD: PASSWORD },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/CodeMismatchException/);

    const code = await freshCode(SecretCode!);
    const run = await cli([...base, "--mfa-code", code, "--debug", "-o", "json"], { env: { AWSBLOG_PASSWORD: PASSWORD } });
    expect(run.code, run.stderr).toBe(0);
    const tokens = run.json<Record<string, string>>();
    expect(run.stderr).toContain("[debug] → Cognito.RespondToAuthChallenge");
    expect(run.stderr).toMatch(/answered challenges: PASSWORD_VERIFIER, SOFTWARE_TOKEN_MFA/);
    const sub = JSON.parse(Buffer.from(tokens.idToken!.split(".")[1]!, "base64url").toString()).sub as string;
    const hash = (u: string) => createHmac("sha256", pool.clientSecret!).update(u + pool.clientId).digest("base64");
    for (const secret of [PASSWORD, pool.clientSecret!, code, tokens.idToken!, tokens.accessToken!, tokens.refreshToken!, hash("ana@example.com"), hash(sub)]) {
      expect(run.stderr).not.toContain(secret);
    }
    // The cache keeps tokens but never the client secret.
    for (const { file } of await cachedEntries(config)) expect(await readFile(file, "utf8")).not.toContain(pool.clientSecret!);
  });

  it("answers SMS_MFA with --mfa-code, and exits 2 on a non-terminal without it", async () => {
    const client = sdk(moto().url);
    const pool = await createPool(client, { mfa: "OPTIONAL" });
    await registered(pool, "smsuser");
    await client.send(
      new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.poolId, Username: "smsuser", SMSMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
    const base = ["cognito", "login", "--client-id", pool.clientId, "--username", "smsuser", "--flow", "password"];
    const noCode = await cli(base, { env: { AWSBLOG_PASSWORD: PASSWORD } });
    expect(noCode.code).toBe(2);
    expect(noCode.stderr).toMatch(/SMS code.*--mfa-code/);
    const run = await cli([...base, "--mfa-code", "424242", "-o", "json"], { env: { AWSBLOG_PASSWORD: PASSWORD } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ username: "smsuser", idToken: expect.any(String) });
  });

  it("answers NEW_PASSWORD_REQUIRED for an admin-created user (current and new password on stdin)", async () => {
    const client = sdk(moto().url);
    const pool = await createPool(client);
    await client.send(
      new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: "newbie", TemporaryPassword: "Temp-Passw0rd1", MessageAction: "SUPPRESS" }),
    );
    const base = ["cognito", "login", "--client-id", pool.clientId, "--username", "newbie", "--flow", "password", "--password-stdin"];
    const missing = await cli(base, { input: "Temp-Passw0rd1\n" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/NEW_PASSWORD_REQUIRED.*--new-password-stdin/);

    const run = await cli([...base, "--new-password-stdin", "-o", "json"], { input: "Temp-Passw0rd1\nBrand-New-Passw0rd\n" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ username: "newbie", idToken: expect.any(String) });
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "newbie" }));
    expect(user.UserStatus).toBe("CONFIRMED");
    const again = await cli(base, { input: "Brand-New-Passw0rd\n" });
    expect(again.code, again.stderr).toBe(0);
  });

  it("a client with a secret: signup, confirm and login with --client-secret; refresh works from the cache alone", async () => {
    const pool = await createPool(sdk(moto().url), { secret: true });
    const secret = ["--client-secret", pool.clientSecret!];
    const signup = await cli(["cognito", "signup", "--client-id", pool.clientId, "--username", "sam", "--attribute", "email=sam@example.com", ...secret, "--password-stdin"], {
      input: `${PASSWORD}\n`,
    });
    expect(signup.code, signup.stderr).toBe(0);
    const confirm = await cli(["cognito", "confirm", "--client-id", pool.clientId, "--username", "sam", "--code", "1", ...secret]);
    expect(confirm.code, confirm.stderr).toBe(0);

    // (moto checks SECRET_HASH on SRP and refresh only; the missing-secret case is tested over SRP above.)
    const base = ["cognito", "login", "--client-id", pool.clientId, "--username", "sam", "--flow", "password"];
    // The secret may also come from the environment; the refresh below only works if it was used.
    const run = await cli([...base, "-o", "json"], { env: { AWSBLOG_PASSWORD: PASSWORD, AWSBLOG_CLIENT_SECRET: pool.clientSecret } });
    expect(run.code, run.stderr).toBe(0);
    const idToken = run.json<{ idToken: string }>().idToken;

    await expireAll(config);
    const token = await cli(["cognito", "token", "--client-id", pool.clientId, "--username", "sam", "-o", "json"]);
    expect(token.code, token.stderr).toBe(0);
    expect(token.json()).toMatchObject({ refreshed: true, username: "sam" });
    expect(token.json<{ idToken: string }>().idToken).not.toBe(idToken);
  });
});
