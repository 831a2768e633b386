import { AdminGetUserCommand, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { havePython, onTerminal } from "../../helpers/pty.js";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import type { Services } from "../../../src/lib/services.js";
import { cachedEntries, createPool, expireAll, fakeApi, recordingCognito, sdk, tempConfigDir, type Pool } from "./world.js";

/**
 * The post's flow from the terminal: register John Doe, confirm him, log in, call the API with
 * his ID token, refresh, log out. moto plays Cognito; a local server plays API Gateway. The CLI
 * runs in-process; only the pseudo-terminal prompt test runs the built CLI as a process.
 */
const PASSWORD = "P@ssw0rd-jdoe1";

describeWithMoto("cognito: sign up → confirm → login → call → logout", (moto) => {
  let pool: Pool;
  let config: string;
  let api: Awaited<ReturnType<typeof fakeApi>>;
  let idToken = "";

  const cli = (args: string[], options: { input?: string; env?: Record<string, string | undefined>; services?: Partial<Services> } = {}) =>
    awsblog([...args, "--endpoint-url", moto().url], { input: options.input, env: { AWSBLOG_CONFIG_DIR: config, ...options.env }, services: options.services });

  beforeAll(async () => {
    pool = await createPool(sdk(moto().url));
    config = await tempConfigDir();
    api = await fakeApi(() => idToken);
  });
  afterAll(async () => api?.close());

  it("signs up with attributes, the password from stdin, and leaves an unconfirmed user", async () => {
    const run = await cli(
      ["cognito", "signup", "--client-id", pool.clientId, "--username", "jdoe", "--attribute", "given_name=John", "--attribute", "family_name=Doe",
        "--attribute", "email=jdoe@example.com", "--password-stdin", "-o", "json"],
      { input: `${PASSWORD}\n` },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ username: "jdoe", userConfirmed: false, userSub: expect.any(String) });
    const user = await sdk(moto().url).send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "jdoe" }));
    expect(user.UserStatus).toBe("UNCONFIRMED");
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: "given_name", Value: "John" }, { Name: "family_name", Value: "Doe" }]));
  });

  it("refuses to log in before confirmation, saying how to confirm", async () => {
    const run = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "jdoe", "--flow", "password", "--password-stdin"], {
      input: `${PASSWORD}\n`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/UserNotConfirmedException.*awsblog cognito confirm/);
  });

  it("confirms with the code", async () => {
    const run = await cli(["cognito", "confirm", "--client-id", pool.clientId, "--username", "jdoe", "--code", "123456", "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toEqual({ username: "jdoe", confirmed: true });
    const user = await sdk(moto().url).send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "jdoe" }));
    expect(user.UserStatus).toBe("CONFIRMED");
  });

  it("exits 2 without calling Cognito when stdin is not a terminal and no password source is given", async () => {
    const cognito = recordingCognito(moto().url);
    const run = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "jdoe", "--flow", "password"], { services: cognito.services });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no password given.*--password-stdin.*AWSBLOG_PASSWORD/);
    expect(cognito.calls).toEqual([]);
  });

  it("on a terminal, asks for the password without echoing it", async () => {
    if (!havePython) return void console.warn("[cognito] python3 missing: skipping the pseudo-terminal test");
    const result = await onTerminal(["--endpoint-url", moto().url, "cognito", "login", "--client-id", pool.clientId, "--username", "jdoe", "--flow", "password"], {
      env: { AWSBLOG_CONFIG_DIR: config },
      steps: [{ after: "Password: ", keys: `${PASSWORD}\r`, pause: 0.05 }],
      timeout: 25,
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/^Password: \r?\n/);
    expect(result.output).toContain("logged in as jdoe");
    expect(result.output).not.toContain(PASSWORD);
  });

  it("rejects a wrong password with exit 1 and a plain message", async () => {
    const run = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "jdoe", "--flow", "password"], {
      env: { AWSBLOG_PASSWORD: "wrong-password" },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/NotAuthorizedException.*wrong username or password/);
    expect(run.stderr).not.toContain("wrong-password");
  });

  it("logs in, prints the contract's JSON, and caches the tokens 0600 in a 0700 directory", async () => {
    const run = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "jdoe", "--flow", "password", "-o", "json"], {
      env: { AWSBLOG_PASSWORD: PASSWORD },
    });
    expect(run.code, run.stderr).toBe(0);
    const out = run.json<Record<string, string>>();
    expect(Object.keys(out).sort()).toEqual(["accessToken", "expiresAt", "idToken", "refreshToken", "username"]);
    expect(out.username).toBe("jdoe");
    expect(Date.parse(out.expiresAt!)).toBeGreaterThan(Date.now());
    idToken = out.idToken!;

    const entries = await cachedEntries(config);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.entry).toMatchObject({ clientId: pool.clientId, username: "jdoe", idToken, refreshToken: out.refreshToken });
    expect((await stat(entries[0]!.file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(config, "cognito"))).mode & 0o777).toBe(0o700);
  });

  it("--print id prints just the ID token", async () => {
    const run = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "jdoe", "--flow", "password", "--print", "id"], {
      env: { AWSBLOG_PASSWORD: PASSWORD },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split(".")).toHaveLength(3);
    idToken = run.stdout.trim();
    expect((await cachedEntries(config))[0]!.entry.idToken).toBe(idToken);
  });

  it("whoami shows the cached ID token's claims", async () => {
    const run = await cli(["cognito", "whoami", "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ username: "jdoe", clientId: pool.clientId, expired: false, claims: { "cognito:username": "jdoe", token_use: "id" } });
  });

  it("token prints the cached ID token without calling Cognito while it is valid", async () => {
    const cognito = recordingCognito(moto().url);
    const run = await cli(["cognito", "token"], { services: cognito.services });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(idToken);
    expect(cognito.calls).toEqual([]);
  });

  it("call sends the ID token in Authorization with method, body from a file and extra headers, and prints the body", async () => {
    const bodyFile = join(config, "body.json");
    await writeFile(bodyFile, '{"hello":"world"}');
    const run = await cli(["cognito", "call", `${api.url}/`, "-X", "PUT", "-d", `@${bodyFile}`, "-H", "X-Trace: abc", "-H", "Accept: application/json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ message: "Hello, John Doe!", method: "PUT", body: '{"hello":"world"}' });
    const seen = api.received.at(-1)!;
    expect(seen).toMatchObject({ method: "PUT", body: '{"hello":"world"}' });
    expect(seen.headers).toMatchObject({ authorization: idToken, "x-trace": "abc", "content-type": "application/json" });
  });

  it("call exits 1 on HTTP 403 with the status on stderr and the body on stdout; --debug hides the token", async () => {
    const run = await cli(["cognito", "call", `${api.url}/forbidden`, "--debug"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[debug\] → GET .*Authorization: \*\*\*/);
    expect(run.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/forbidden returned HTTP 403/);
    expect(run.stdout).toContain("User is not authorized");
    expect(run.stderr).not.toContain(idToken);
  });

  it("call refuses a bad URL or a hand-made Authorization header with exit 2", async () => {
    const bad = await cli(["cognito", "call", "not a url"]);
    expect(bad.code).toBe(2);
    const auth = await cli(["cognito", "call", `${api.url}/`, "-H", "Authorization: x"]);
    expect(auth.code).toBe(2);
    expect(auth.stderr).toMatch(/call sets it to the cached token/);
    expect(api.received.every((r) => r.headers.authorization === idToken)).toBe(true);
  });

  it("token refreshes an expired login with REFRESH_TOKEN_AUTH and updates the cache", async () => {
    await expireAll(config);
    const cognito = recordingCognito(moto().url);
    const run = await cli(["cognito", "token", "-o", "json"], { services: cognito.services });
    expect(run.code, run.stderr).toBe(0);
    const out = run.json<Record<string, unknown>>();
    expect(out).toMatchObject({ refreshed: true, username: "jdoe" });
    expect(out.idToken).not.toBe(idToken);
    expect(Date.parse(out.expiresAt as string)).toBeGreaterThan(Date.now());
    const { entry } = (await cachedEntries(config))[0]!;
    expect(entry.idToken).toBe(out.idToken);
    expect(entry.refreshToken).toBeTruthy();
    expect(cognito.calls).toEqual(["initiateAuth"]);
    idToken = out.idToken as string;
  });

  it("with two cached logins, uses the most recent unless --username picks one", async () => {
    const second = await cli(
      ["cognito", "signup", "--client-id", pool.clientId, "--username", "asmith", "--attribute", "email=asmith@example.com", "--password-stdin"],
      { input: `${PASSWORD}\n` },
    );
    expect(second.code, second.stderr).toBe(0);
    await cli(["cognito", "confirm", "--client-id", pool.clientId, "--username", "asmith", "--code", "1"]);
    const login = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "asmith", "--flow", "password"], {
      env: { AWSBLOG_PASSWORD: PASSWORD },
    });
    expect(login.code, login.stderr).toBe(0);
    const recent = await cli(["cognito", "whoami", "-o", "json"]);
    expect(recent.json()).toMatchObject({ username: "asmith" });
    expect(recent.stderr).toMatch(/most recent login: asmith/);
    const picked = await cli(["cognito", "whoami", "--username", "jdoe", "-o", "json"]);
    expect(picked.json()).toMatchObject({ username: "jdoe" });
  });

  it("logout --global signs out everywhere (the refresh token stops working) and clears that entry only", async () => {
    const { entry } = (await cachedEntries(config)).find((e) => e.entry.username === "jdoe")!;
    const run = await cli(["cognito", "logout", "--username", "jdoe", "--global", "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toEqual({ loggedOut: [{ clientId: pool.clientId, username: "jdoe" }], globalSignOut: true });
    expect((await cachedEntries(config)).map((e) => e.entry.username)).toEqual(["asmith"]);
    await expect(
      sdk(moto().url).send(
        new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: entry.refreshToken as string } }),
      ),
    ).rejects.toThrow();
  });

  it("logout --all clears the rest; token then says to log in", async () => {
    const run = await cli(["cognito", "logout", "--all"]);
    expect(run.code, run.stderr).toBe(0);
    expect(await cachedEntries(config)).toEqual([]);
    const token = await cli(["cognito", "token"]);
    expect(token.code).toBe(1);
    expect(token.stderr).toMatch(/no cached Cognito login — log in first/);
  });
});
