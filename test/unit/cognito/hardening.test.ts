import { chmod, chown, mkdir, mkdtemp, readdir, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CognitoApi } from "../../../src/lib/aws/cognito.js";
import { AwsError } from "../../../src/lib/errors.js";
import type { Services } from "../../../src/lib/services.js";
import { awsblog, interrupts } from "../../helpers/in-process.js";

/** Issue #14, the cognito items: hangs, hostile input, the token cache, hints. */

function jwt(claims: Record<string, unknown>): string {
  return ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");
}

/** A Cognito that must not be reached: records that it was built. */
function untouchable() {
  const built: (string | undefined)[] = [];
  const services: Partial<Services> = {
    cognito: async (region) => {
      built.push(region);
      throw new Error("Cognito must not be called");
    },
  };
  return { services, built };
}

/** A config dir holding one valid cached login (client c1, user jdoe), expiring in the far future. */
async function configWithLogin(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "awsblog-hard-"));
  await mkdir(join(dir, "cognito"), { mode: 0o700 });
  await writeFile(join(dir, "cognito", "entry.json"), JSON.stringify(entry()), { mode: 0o600 });
  return dir;
}

function entry(overrides: Record<string, unknown> = {}) {
  return {
    version: 1,
    clientId: "c1",
    username: "jdoe",
    idToken: jwt({ sub: "s-1", "cognito:username": "jdoe" }),
    accessToken: "a.b.c",
    refreshToken: "r",
    expiresAt: "2999-01-01T00:00:00.000Z",
    loggedInAt: "2026-11-25T09:00:00.000Z",
    ...overrides,
  };
}

/** Each run ends with one line `awsblog: <what> — <what to do>`. */
function expectOneLineWithHint(stderr: string): void {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^awsblog: .+ — \S.+$/);
}

describe("cognito call --timeout", () => {
  let server: Server;
  let url = "";
  beforeAll(async () => {
    server = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("fires even when garbage collection runs while waiting (AbortSignal.any + AbortSignal.timeout did not)", async () => {
    // On Node 20 the composite signal holds AbortSignal.timeout only weakly: a GC while the
    // request waits collects the timer and the request waits forever (issue #14: never fired
    // at ≥ 20 s, where a GC is all but certain). Forcing GCs makes that deterministic.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const collector = setInterval(gc, 20);
    const config = await configWithLogin();
    const started = Date.now();
    const guard = new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 6000).unref());
    try {
      const run = await Promise.race([awsblog(["cognito", "call", url, "--timeout", "1"], { env: { AWSBLOG_CONFIG_DIR: config } }), guard]);
      expect(run, "cognito call --timeout 1 was still waiting after 6 s").not.toBe("hung");
      if (run === "hung") return;
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^awsblog: GET http:\/\/127\.0\.0\.1:\d+\/ failed: no answer within 1 s — /);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      clearInterval(collector);
      server.closeAllConnections();
    }
  }, 15_000);
});

describe("cognito call and Ctrl-C", () => {
  it("Ctrl-C while waiting for the API ends the request at once with exit 130", async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
    const requested = new Promise<void>((resolve) => server.once("request", () => resolve()));
    const keys = interrupts();
    try {
      const running = awsblog(["cognito", "call", url, "--timeout", "600"], { env: { AWSBLOG_CONFIG_DIR: await configWithLogin() }, interrupts: keys });
      await requested;
      keys.interrupt();
      const run = await running;
      expect(run.code).toBe(130);
      expect(run.exitedEarly).toBe(false);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("empty --client-id, --username, --code are refused before calling AWS", () => {
  const cases: [string[], string][] = [
    [["cognito", "signup", "--client-id", "", "--username", "u", "--password-stdin"], "--client-id"],
    [["cognito", "signup", "--client-id", "c", "--username", " ", "--password-stdin"], "--username"],
    [["cognito", "confirm", "--client-id", "c", "--username", "u", "--code", ""], "--code"],
    [["cognito", "confirm", "--client-id", "c", "--username", "", "--code", "1"], "--username"],
    [["cognito", "resend-code", "--client-id", "", "--username", "u"], "--client-id"],
    [["cognito", "login", "--client-id", "", "--username", "u", "--flow", "password"], "--client-id"],
    [["cognito", "login", "--client-id", "c", "--username", "", "--flow", "password"], "--username"],
    [["cognito", "login", "--client-id", "c", "--username", "u", "--flow", "password", "--mfa-code", " "], "--mfa-code"],
    [["cognito", "token", "--client-id", ""], "--client-id"],
    [["cognito", "whoami", "--username", ""], "--username"],
    [["cognito", "logout", "--client-id", ""], "--client-id"],
    [["cognito", "call", "http://127.0.0.1:9/", "--username", ""], "--username"],
  ];
  it.each(cases)("%j", async (args, flag) => {
    const cognito = untouchable();
    const config = await configWithLogin();
    const run = await awsblog(args, { env: { AWSBLOG_CONFIG_DIR: config, AWSBLOG_PASSWORD: "pw" }, input: "pw\n", services: cognito.services });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^awsblog: ${flag} is empty — `));
    expectOneLineWithHint(run.stderr);
    expect(cognito.built).toEqual([]);
  });
});

describe("echoed values are capped", () => {
  const huge = "x".repeat(131_072);

  it("a 131 KB --client-id is not echoed whole, and is refused before calling Cognito", async () => {
    const cognito = untouchable();
    const run = await awsblog(["cognito", "confirm", "--client-id", huge, "--username", "u", "--code", "1"], { services: cognito.services });
    expect(run.code).toBe(2);
    expect(run.stderr.length).toBeLessThan(400);
    expect(run.stderr).toContain(`"${"x".repeat(99)}…"`); // at most 100 characters, the "…" included
    expectOneLineWithHint(run.stderr);
    expect(cognito.built).toEqual([]);
  });

  it("selecting a cached login by a huge --client-id or --username echoes at most ~100 characters", async () => {
    const config = await configWithLogin();
    for (const flag of ["--client-id", "--username"]) {
      const run = await awsblog(["cognito", "whoami", flag, huge], { env: { AWSBLOG_CONFIG_DIR: config } });
      expect(run.code).toBeGreaterThan(0);
      expect(run.stderr.length, flag).toBeLessThan(400);
      expectOneLineWithHint(run.stderr);
    }
  });

  it("a Cognito error message echoing a huge value is capped", async () => {
    const longName = "u".repeat(120); // within Cognito's 128, but Cognito's message echoes it and more
    const api = {
      async confirmSignUp() {
        const message = `1 validation error detected: Value '${"v".repeat(5000)}' at 'username' failed to satisfy constraint`;
        throw new AwsError("Cognito", "ConfirmSignUp", "InvalidParameterException", message, undefined, { cause: new Error(message) });
      },
    } as unknown as CognitoApi;
    const run = await awsblog(["cognito", "confirm", "--client-id", "c", "--username", longName, "--code", "1"], { services: { cognito: async () => api } });
    expect(run.code).toBe(1);
    expect(run.stderr.length).toBeLessThan(600);
    expect(run.stderr).toMatch(/InvalidParameterException/);
    expectOneLineWithHint(run.stderr);
  });

  it("call: a huge bad URL, -X or -H is echoed capped, with a hint", async () => {
    const config = await configWithLogin();
    for (const args of [
      [`not a url ${huge}`],
      [`ftp://example.com/${huge}`],
      ["http://127.0.0.1:9/", "-X", `GE T${huge}`],
      ["http://127.0.0.1:9/", "-H", `no colon ${huge}`],
    ]) {
      const run = await awsblog(["cognito", "call", ...args], { env: { AWSBLOG_CONFIG_DIR: config } });
      expect(run.code, run.stderr.slice(0, 200)).toBe(2);
      expect(run.stderr.length).toBeLessThan(400);
      expectOneLineWithHint(run.stderr);
    }
  });
});

/** Control characters other than the newline that ends the error line. */
function controlCharacters(text: string): string[] {
  return [...text].filter((ch) => ch !== "\n" && (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f));
}

describe("echoed values cannot drive the terminal", () => {
  it("control characters in a flag or in Cognito's message are shown escaped", async () => {
    const bad = await awsblog(["cognito", "login", "--client-id", "c", "--username", "u", "--user-pool-id", "\u001b[2J\u001b[31mred\u0007"]);
    expect(bad.code).toBe(2);
    expect(controlCharacters(bad.stderr)).toEqual([]);
    expect(bad.stderr).toContain("\\x1b[2J");
    const api = {
      async resendConfirmationCode() {
        const message = "User \u001b]0;pwned\u0007 not found";
        throw new AwsError("Cognito", "ResendConfirmationCode", "UserNotFoundException", message, undefined, { cause: new Error(message) });
      },
    } as unknown as CognitoApi;
    const run = await awsblog(["cognito", "resend-code", "--client-id", "c", "--username", "u"], { services: { cognito: async () => api } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/UserNotFoundException/);
    expect(controlCharacters(run.stderr)).toEqual([]);
    expectOneLineWithHint(run.stderr);
  });
});

describe("every cognito error says what to do", () => {
  it.each([
    [["cognito", "call", "not a url"]],
    [["cognito", "call", "ftp://example.com/"]],
    [["cognito", "call", "http://127.0.0.1:9/", "-X", "GE T"]],
    [["cognito", "call", "http://127.0.0.1:9/", "-H", "no colon"]],
    [["cognito", "call", "http://127.0.0.1:9/", "-H", "X-Bad: a\nb"]],
    [["cognito", "call", "http://127.0.0.1:9/", "-H", "Authorization: x"]],
    [["cognito", "login", "--client-id", "c", "--username", "u", "--flow", "magic"]],
    [["cognito", "login", "--client-id", "c", "--username", "u", "--flow", "password", "--print", "nope"]],
    [["cognito", "token", "--print", "refresh"]],
  ])("%j", async (args) => {
    const config = await configWithLogin();
    const run = await awsblog(args, { env: { AWSBLOG_CONFIG_DIR: config, AWSBLOG_PASSWORD: "pw" }, services: untouchable().services });
    expect(run.code).toBe(2);
    expectOneLineWithHint(run.stderr);
  });
});

describe("the token cache is refused when it is not private", () => {
  const whoami = (config: string) => awsblog(["cognito", "whoami"], { env: { AWSBLOG_CONFIG_DIR: config } });

  it("a symlinked cache directory", async () => {
    const real = await configWithLogin();
    const config = await mkdtemp(join(tmpdir(), "awsblog-hard-"));
    await symlink(join(real, "cognito"), join(config, "cognito"));
    const run = await whoami(config);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is a symbolic link/);
    expectOneLineWithHint(run.stderr);
  });

  it("a symlinked entry file", async () => {
    const config = await configWithLogin();
    const elsewhere = join(await mkdtemp(join(tmpdir(), "awsblog-hard-")), "planted.json");
    await writeFile(elsewhere, JSON.stringify(entry({ username: "planted" })), { mode: 0o600 });
    await symlink(elsewhere, join(config, "cognito", "planted.json"));
    const run = await whoami(config);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/planted\.json is a symbolic link/);
    expectOneLineWithHint(run.stderr);
  });

  it("a group- or world-writable directory or file", async () => {
    for (const [target, mode] of [["dir", 0o770], ["dir", 0o707], ["file", 0o620], ["file", 0o606]] as const) {
      const config = await configWithLogin();
      await chmod(target === "dir" ? join(config, "cognito") : join(config, "cognito", "entry.json"), mode);
      const run = await whoami(config);
      expect(run.code, `${target} ${mode.toString(8)}`).toBe(1);
      expect(run.stderr).toMatch(/writable by (group|others)/);
      expect(run.stderr).toMatch(/chmod/);
      expectOneLineWithHint(run.stderr);
    }
  });

  it("login refuses an unsafe cache before calling Cognito (nothing is written)", async () => {
    const config = await configWithLogin();
    await chmod(join(config, "cognito"), 0o777);
    const cognito = untouchable();
    const run = await awsblog(["cognito", "login", "--client-id", "c2", "--username", "new", "--flow", "password"], {
      env: { AWSBLOG_CONFIG_DIR: config, AWSBLOG_PASSWORD: "pw" },
      services: cognito.services,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/writable by group/);
    expectOneLineWithHint(run.stderr);
    expect(cognito.built).toEqual([]);
    expect(await readdir(join(config, "cognito"))).toEqual(["entry.json"]);
  });

  it.runIf(process.getuid?.() === 0)("a directory or file owned by another user", async () => {
    for (const target of ["dir", "file"]) {
      const config = await configWithLogin();
      await chown(target === "dir" ? join(config, "cognito") : join(config, "cognito", "entry.json"), 12345, 12345);
      const run = await whoami(config);
      expect(run.code, target).toBe(1);
      expect(run.stderr).toMatch(/owned by another user/);
      expectOneLineWithHint(run.stderr);
    }
  });
});

describe("a malformed cache entry", () => {
  it.each([
    ["not JSON", "{not json"],
    ["JSON of the wrong shape", JSON.stringify({ version: 1, clientId: "c1", username: "jdoe", idToken: "a.b.c" })],
    ["an ID token that is not a JWT", JSON.stringify(entry({ idToken: "garbage" }))],
    ["null", "null"],
  ])("%s: 'cache entry unreadable — log in again', exit 1", async (_name, text) => {
    const config = await mkdtemp(join(tmpdir(), "awsblog-hard-"));
    await mkdir(join(config, "cognito"), { mode: 0o700 });
    await writeFile(join(config, "cognito", "entry.json"), text, { mode: 0o600 });
    for (const command of [["whoami"], ["token"], ["call", "http://127.0.0.1:9/"]]) {
      const run = await awsblog(["cognito", ...command], { env: { AWSBLOG_CONFIG_DIR: config }, services: untouchable().services });
      expect(run.code, `${command[0]}: ${run.stderr}`).toBe(1);
      expect(run.stderr).toMatch(/^awsblog: cache entry .*entry\.json unreadable .*— log in again/);
      expect(run.stderr).not.toMatch(/unexpected error/);
      expectOneLineWithHint(run.stderr);
    }
  });

  it("does not hide a valid login next to it (warns, uses the valid one)", async () => {
    const config = await configWithLogin();
    await writeFile(join(config, "cognito", "broken.json"), "{not json", { mode: 0o600 });
    const run = await awsblog(["cognito", "whoami", "-o", "json"], { env: { AWSBLOG_CONFIG_DIR: config } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ username: "jdoe" });
    expect(run.stderr).toMatch(/broken\.json/);
  });
});

describe("AWSBLOG_CONFIG_DIR pointing at a file", () => {
  it("is a usage error (exit 2) for reading and for login", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "awsblog-hard-")), "not-a-dir");
    await writeFile(file, "x");
    for (const args of [["cognito", "whoami"], ["cognito", "logout", "--all"], ["cognito", "login", "--client-id", "c", "--username", "u", "--flow", "password"]]) {
      const cognito = untouchable();
      const run = await awsblog(args, { env: { AWSBLOG_CONFIG_DIR: file, AWSBLOG_PASSWORD: "pw" }, services: cognito.services });
      expect(cognito.built).toEqual([]);
      expect(run.code, `${args[1]}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(/AWSBLOG_CONFIG_DIR .*not a directory/);
      expectOneLineWithHint(run.stderr);
    }
  });
});
