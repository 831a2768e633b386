import { AdminGetUserCommand, SetUserPoolMfaConfigCommand } from "@aws-sdk/client-cognito-identity-provider";
import { PassThrough } from "node:stream";
import { beforeAll, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import type { Services } from "../../../src/lib/services.js";
import { adminConfirm, createPool, recordingCognito, sdk, tempConfigDir, totp, type Pool } from "./world.js";

/**
 * Enrolling an authenticator app (#23) against moto with TOTP checking on
 * (MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true): the test reads the otpauth:// URI the CLI
 * shows, computes the RFC 6238 code from its secret as an app would, and types or pipes it.
 */
const PASSWORD = "Str0ng-Passw0rd!";

/** A code that stays valid for the next few seconds (never one about to roll over). */
async function freshCode(secret: string): Promise<string> {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 25) await new Promise((resolve) => setTimeout(resolve, (30.5 - intoStep) * 1000));
  return totp(secret);
}

/** The secret of the first otpauth:// URI in `text`, checked against the key URI format. */
function secretOf(text: string, issuer: string, account: string): string | undefined {
  const match = /otpauth:\/\/totp\/\S+/.exec(text);
  if (!match) return undefined;
  const uri = new URL(match[0]);
  expect(decodeURIComponent(uri.pathname)).toBe(`/${issuer}:${account}`);
  expect(uri.searchParams.get("issuer")).toBe(issuer);
  expect(uri.searchParams.get("digits")).toBe("6");
  return uri.searchParams.get("secret") ?? undefined;
}

describeWithMoto("cognito mfa setup|off|prefer and login's MFA_SETUP", (moto) => {
  let pool: Pool;
  let config: string;
  const env = () => ({ AWSBLOG_CONFIG_DIR: config, AWSBLOG_PASSWORD: PASSWORD });
  const cli = (args: string[], options: { input?: string | PassThrough; services?: Partial<Services>; tty?: boolean; onStderr?: (text: string) => void } = {}) =>
    awsblog([...args, "--endpoint-url", moto().url], { ...options, env: env() });

  async function register(target: Pool, username: string): Promise<void> {
    const run = await cli(["cognito", "signup", "--client-id", target.clientId, "--username", username, "--attribute", `email=${username}@example.com`, "--password-stdin"], {
      input: `${PASSWORD}\n`,
    });
    expect(run.code, run.stderr).toBe(0);
    await adminConfirm(sdk(moto().url), target.poolId, username);
  }
  const mfaOf = (username: string) => sdk(moto().url).send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: username }));

  beforeAll(async () => {
    config = await tempConfigDir();
    const client = sdk(moto().url);
    pool = await createPool(client, { mfa: "OPTIONAL" });
    await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } }));
    await register(pool, "mia");
    const login = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "mia", "--flow", "password"]);
    expect(login.code, login.stderr).toBe(0);
  });

  it("without a terminal or --code-stdin, setup exits 2 before any call", async () => {
    const cognito = recordingCognito(moto().url);
    const run = await cli(["cognito", "mfa", "setup"], { services: cognito.services });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("awsblog: mfa setup needs the authenticator's first code and stdin is not a terminal — run it on a terminal, or pass --code-stdin and send the code as a line\n");
    expect(cognito.calls).toEqual([]);
  });

  it("a wrong first code is refused (CodeMismatchException) and enables nothing", async () => {
    const input = new PassThrough();
    let sent = false;
    const run = await cli(["cognito", "mfa", "setup", "--code-stdin"], {
      input,
      onStderr: (text) => {
        const secret = secretOf(text, pool.poolId, "mia");
        if (secret && !sent) {
          sent = true;
          input.write(`${String((Number(totp(secret)) + 1) % 1_000_000).padStart(6, "0")}\n`);
        }
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/VerifySoftwareToken.*CodeMismatchException.* — the authenticator code is wrong/);
    expect((await mfaOf("mia")).UserMFASettingList ?? []).toEqual([]);
  });

  it("--code-stdin: the key URI on stderr, the code computed from it on stdin; TOTP is then enabled, preferred and asked at login", async () => {
    const input = new PassThrough();
    let secret: string | undefined;
    const cognito = recordingCognito(moto().url);
    const run = await cli(["cognito", "mfa", "setup", "--code-stdin", "--device-name", "phone", "-o", "json"], {
      input,
      services: cognito.services,
      onStderr: (text) => {
        if (secret) return;
        secret = secretOf(text, pool.poolId, "mia");
        if (secret) void freshCode(secret).then((code) => input.write(`${code}\n`));
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toEqual({ username: "mia", clientId: pool.clientId, mfa: "totp", preferred: true });
    expect(run.stderr).not.toContain("\u001b["); // no QR code off a terminal
    expect(cognito.calls).toEqual(["associateSoftwareToken", "verifySoftwareToken", "setUserMfaPreference"]);
    const user = await mfaOf("mia");
    expect(user.UserMFASettingList).toEqual(["SOFTWARE_TOKEN_MFA"]);
    expect(user.PreferredMfaSetting).toBe("SOFTWARE_TOKEN_MFA");

    const base = ["cognito", "login", "--client-id", pool.clientId, "--username", "mia", "--flow", "password"];
    const noCode = await cli(base);
    expect(noCode.code).toBe(2);
    expect(noCode.stderr).toMatch(/Authenticator app code/);
    const withCode = await cli([...base, "--mfa-code", await freshCode(secret!)]);
    expect(withCode.code, withCode.stderr).toBe(0);
  });

  it("mfa off turns it off (login asks no code); prefer totp turns it back on; a bad kind is exit 2", async () => {
    const off = await cli(["cognito", "mfa", "off", "-o", "json"]);
    expect(off.code, off.stderr).toBe(0);
    expect(off.json()).toEqual({ username: "mia", clientId: pool.clientId, mfa: "off" });
    expect((await mfaOf("mia")).UserMFASettingList ?? []).toEqual([]);
    const login = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "mia", "--flow", "password"]);
    expect(login.code, login.stderr).toBe(0);

    const prefer = await cli(["cognito", "mfa", "prefer", "totp", "-o", "json"]);
    expect(prefer.code, prefer.stderr).toBe(0);
    expect(prefer.json()).toMatchObject({ mfa: "totp", preferred: true });
    const user = await mfaOf("mia");
    expect(user.UserMFASettingList).toEqual(["SOFTWARE_TOKEN_MFA"]);
    expect(user.PreferredMfaSetting).toBe("SOFTWARE_TOKEN_MFA");

    const bad = await cli(["cognito", "mfa", "prefer", "email"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('awsblog: <kind> "email" is not totp or sms — e.g. awsblog cognito mfa prefer totp\n');
  });

  // A pool that requires MFA: the user meets MFA_SETUP at the first login.
  {
    let required: Pool;
    const loginArgs = () => ["cognito", "login", "--client-id", required.clientId, "--username", "rita@example.com", "--user-pool-id", required.poolId];

    it("login meeting MFA_SETUP off a terminal exits 1 with the exact command to run on one", async () => {
      const client = sdk(moto().url);
      required = await createPool(client, { emailAsUsername: true, mfa: "ON" });
      await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: required.poolId, MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } }));
      await register(required, "rita@example.com");
      const run = await cli(loginArgs());
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `awsblog: Cognito requires rita@example.com to set up an authenticator app before logging in (MFA_SETUP) — run on a terminal: awsblog cognito login --client-id ${required.clientId} --username rita@example.com --user-pool-id ${required.poolId} (it shows a QR code and asks for the app's first code)\n`,
      );
    });

    it("on a terminal, login goes on into the setup: QR code, the typed code, tokens cached, TOTP preferred", async () => {
      let stderr = "";
      const questions: string[] = [];
      const run = await cli([...loginArgs(), "-o", "json"], {
        tty: true,
        onStderr: (text) => (stderr += text),
        services: {
          prompt: async (question) => {
            questions.push(question);
            const secret = secretOf(stderr, required.poolId, "rita@example.com");
            if (!secret) throw new Error(`asked "${question}" before the key URI was shown`);
            return freshCode(secret);
          },
        },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(questions).toEqual(["Code from the app: "]);
      expect(run.stderr).toMatch(/Scan this QR code/);
      expect(run.stderr).toContain("\u001b[47m"); // the terminal QR code
      expect(run.json()).toMatchObject({ username: "rita@example.com", idToken: expect.any(String) });
      const user = await sdk(moto().url).send(new AdminGetUserCommand({ UserPoolId: required.poolId, Username: "rita@example.com" }));
      expect(user.UserMFASettingList).toEqual(["SOFTWARE_TOKEN_MFA"]);
      expect(user.PreferredMfaSetting).toBe("SOFTWARE_TOKEN_MFA");
    });
  }
});
