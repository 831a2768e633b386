import { beforeAll, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import type { Services } from "../../../src/lib/services.js";
import { adminConfirm, createPool, fakeApi, recordingCognito, sdk, tempConfigDir, type Pool } from "./world.js";

/**
 * The account verbs of #23 against moto: password forgot/confirm/change and call's token and
 * scheme choice. moto checks passwords on login and ChangePassword; on ConfirmForgotPassword it
 * checks only codes of its own form ("moto-confirmation-code:…"), so a wrong one is one of those.
 */
const PASSWORD = "Str0ng-Passw0rd!";
const NEW_PASSWORD = "N3w-Passw0rd-2026!";

describeWithMoto("cognito password and call --token/--auth-scheme", (moto) => {
  let pool: Pool;
  let config: string;
  const cli = (args: string[], options: { input?: string; env?: Record<string, string | undefined>; services?: Partial<Services> } = {}) =>
    awsblog([...args, "--endpoint-url", moto().url], { input: options.input, env: { AWSBLOG_CONFIG_DIR: config, ...options.env }, services: options.services });

  async function register(username: string): Promise<void> {
    const run = await cli(["cognito", "signup", "--client-id", pool.clientId, "--username", username, "--attribute", `email=${username}@example.com`, "--password-stdin"], {
      input: `${PASSWORD}\n`,
    });
    expect(run.code, run.stderr).toBe(0);
    await adminConfirm(sdk(moto().url), pool.poolId, username);
  }
  const login = (username: string, password: string, extra: string[] = []) =>
    cli(["cognito", "login", "--client-id", pool.clientId, "--username", username, "--flow", "password", ...extra], { env: { AWSBLOG_PASSWORD: password } });

  beforeAll(async () => {
    pool = await createPool(sdk(moto().url));
    config = await tempConfigDir();
  });

  it("password forgot sends a code and says where; confirm with a wrong code is refused; with the code, the new password logs in", async () => {
    await register("forgetful");
    const forgot = await cli(["cognito", "password", "forgot", "--client-id", pool.clientId, "--username", "forgetful", "-o", "json"]);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.json()).toEqual({ username: "forgetful", codeDelivery: { destination: "f***@e***", deliveryMedium: "EMAIL", attributeName: "email" } });
    const text = await cli(["cognito", "password", "forgot", "--client-id", pool.clientId, "--username", "forgetful"]);
    expect(text.stdout).toMatch(/on its way \(code sent by EMAIL to f\*\*\*@e\*\*\*\)\nthen: awsblog cognito password confirm --client-id \S+ --username forgetful --code <code>/);

    const wrong = await cli(["cognito", "password", "confirm", "--client-id", pool.clientId, "--username", "forgetful", "--code", "moto-confirmation-code:000000"], {
      env: { AWSBLOG_NEW_PASSWORD: NEW_PASSWORD },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^awsblog: .*ExpiredCodeException.* — .*awsblog cognito password forgot\n$/);
    expect((await login("forgetful", NEW_PASSWORD)).code).toBe(1);

    const confirm = await cli(["cognito", "password", "confirm", "--client-id", pool.clientId, "--username", "forgetful", "--code", "123456", "--new-password-stdin", "-o", "json"], {
      input: `${NEW_PASSWORD}\n`,
    });
    expect(confirm.code, confirm.stderr).toBe(0);
    expect(confirm.json()).toEqual({ username: "forgetful", passwordReset: true });
    expect(confirm.stdout + confirm.stderr).not.toContain(NEW_PASSWORD);
    expect((await login("forgetful", NEW_PASSWORD)).code).toBe(0);
    expect((await login("forgetful", PASSWORD)).code).toBe(1);
  });

  it("password confirm without a new password on a pipe exits 2 before any call", async () => {
    const cognito = recordingCognito(moto().url);
    const run = await cli(["cognito", "password", "confirm", "--client-id", pool.clientId, "--username", "forgetful", "--code", "123456"], { services: cognito.services });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "awsblog: a password reset needs the new password and stdin is not a terminal — pass --new-password-stdin (with --password-stdin: line 1 current, line 2 new) or set AWSBLOG_NEW_PASSWORD\n",
    );
    expect(cognito.calls).toEqual([]);
  });

  it("password change takes both passwords from stdin, uses the cached access token, and a wrong current one is refused", async () => {
    await register("changer");
    expect((await login("changer", PASSWORD)).code).toBe(0);
    const wrong = await cli(["cognito", "password", "change", "--username", "changer", "--password-stdin", "--new-password-stdin"], {
      input: `not-the-password\n${NEW_PASSWORD}\n`,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/ChangePassword.*NotAuthorizedException.* — the current password is wrong\n$/);

    const cognito = recordingCognito(moto().url);
    const run = await cli(["cognito", "password", "change", "--username", "changer", "--password-stdin", "--new-password-stdin", "-o", "json"], {
      input: `${PASSWORD}\n${NEW_PASSWORD}\n`,
      services: cognito.services,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toEqual({ username: "changer", clientId: pool.clientId, passwordChanged: true });
    expect(cognito.calls).toEqual(["changePassword"]);
    expect((await login("changer", NEW_PASSWORD)).code).toBe(0);
    expect((await login("changer", PASSWORD)).code).toBe(1);
  });

  it("password change with no cached login says to log in, and asks for nothing", async () => {
    const empty = await tempConfigDir();
    const run = await awsblog(["cognito", "password", "change", "--endpoint-url", moto().url], { env: { AWSBLOG_CONFIG_DIR: empty } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: .*log in.*\n$/);
  });

  it("call sends the ID token raw by default, or the access token as Bearer when asked", async () => {
    await register("caller");
    const logged = await login("caller", PASSWORD, ["-o", "json"]);
    const tokens = logged.json<{ idToken: string; accessToken: string }>();
    let expected = tokens.idToken;
    const api = await fakeApi(() => expected);
    try {
      const byDefault = await cli(["cognito", "call", `${api.url}/`, "--username", "caller"]);
      expect(byDefault.code, byDefault.stderr).toBe(0);
      expect(api.received.at(-1)!.headers.authorization).toBe(tokens.idToken);

      expected = `Bearer ${tokens.accessToken}`;
      const bearer = await cli(["cognito", "call", `${api.url}/`, "--username", "caller", "--token", "access", "--auth-scheme", "bearer", "--debug"]);
      expect(bearer.code, bearer.stderr).toBe(0);
      expect(api.received.at(-1)!.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
      expect(bearer.stderr).toMatch(/Authorization: Bearer \*\*\*/);
      expect(bearer.stderr).not.toContain(tokens.accessToken);

      expected = `Bearer ${tokens.idToken}`;
      const idBearer = await cli(["cognito", "call", `${api.url}/`, "--username", "caller", "--auth-scheme", "bearer"]);
      expect(idBearer.code, idBearer.stderr).toBe(0);

      const bad = await cli(["cognito", "call", `${api.url}/`, "--token", "refresh"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--token/);
    } finally {
      await api.close();
    }
  });
});
