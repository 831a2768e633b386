import { mkdtemp, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AwsError } from "../../../src/lib/errors.js";
import { explainCognitoError } from "../../../src/lib/cognito/explain-error.js";
import { configDir, createTokenCache, pickLogin, selectLogin, type CachedLogin } from "../../../src/lib/cognito/token-cache.js";

const jwt = (claims: Record<string, unknown>) => ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");
const ID = jwt({ sub: "1" });
const NEWER = jwt({ sub: "2" });

function login(overrides: Partial<CachedLogin>): CachedLogin {
  return {
    version: 1,
    clientId: "c1",
    username: "jdoe",
    idToken: ID,
    accessToken: "d.e.f",
    expiresAt: "2026-11-25T10:00:00.000Z",
    loggedInAt: "2026-11-25T09:00:00.000Z",
    ...overrides,
  };
}

describe("token cache location", () => {
  it("prefers AWSBLOG_CONFIG_DIR, then XDG_CONFIG_HOME/awsblog, then ~/.config/awsblog", () => {
    expect(configDir({ AWSBLOG_CONFIG_DIR: "/x", XDG_CONFIG_HOME: "/y", HOME: "/h" })).toBe("/x");
    expect(configDir({ XDG_CONFIG_HOME: "/y", HOME: "/h" })).toBe("/y/awsblog");
    expect(configDir({ HOME: "/h" })).toBe("/h/.config/awsblog");
  });
});

describe("token cache files", () => {
  it("writes one 0600 file per client and user in 0700 directories, replacing on re-login", async () => {
    const root = join(await mkdtemp(join(tmpdir(), "awsblog-cache-")), "cfg");
    const cache = createTokenCache({ AWSBLOG_CONFIG_DIR: root });
    const file = await cache.save(login({}));
    await cache.save(login({ idToken: NEWER }));
    await cache.save(login({ username: "asmith" }));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, "cognito"))).mode & 0o777).toBe(0o700);
    const { entries } = await cache.list();
    expect(entries.map((e) => [e.username, e.idToken]).sort()).toEqual([
      ["asmith", ID],
      ["jdoe", NEWER],
    ]);
    expect((await readdir(join(root, "cognito"))).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    await cache.remove({ clientId: "c1", username: "jdoe" });
    expect((await cache.list()).entries.map((e) => e.username)).toEqual(["asmith"]);
  });

  it("lists a corrupt file as unreadable beside the good entries; pickLogin warns about it when it uses another", async () => {
    const root = await mkdtemp(join(tmpdir(), "awsblog-cache-"));
    const cache = createTokenCache({ AWSBLOG_CONFIG_DIR: root });
    await cache.save(login({}));
    await writeFile(join(root, "cognito", "broken.json"), "{not json", { mode: 0o600 });
    const listing = await cache.list();
    expect(listing.entries).toHaveLength(1);
    expect(listing.unreadable).toEqual([{ file: join(root, "cognito", "broken.json"), reason: "not JSON" }]);
    const warnings: string[] = [];
    expect(pickLogin(listing, {}, (m) => warnings.push(m)).entry.username).toBe("jdoe");
    expect(warnings).toEqual([expect.stringMatching(/broken\.json: not JSON/)]);
    expect(() => pickLogin(listing, { username: "nobody" }, () => {})).toThrow(/cache entry .*broken\.json unreadable \(not JSON\)/);
  });
});

describe("selectLogin", () => {
  const entries = [
    login({ username: "old", loggedInAt: "2026-11-25T08:00:00.000Z" }),
    login({ username: "new", loggedInAt: "2026-11-25T09:30:00.000Z" }),
    login({ clientId: "c2", username: "other", cognitoUsername: "sub-1", loggedInAt: "2026-11-25T09:00:00.000Z" }),
  ];

  it("takes the most recent login when no flag narrows it, and says how many matched", () => {
    expect(selectLogin(entries, {})).toMatchObject({ entry: { username: "new" }, candidates: 3 });
  });

  it("narrows by client id and by username (typed or Cognito's own)", () => {
    expect(selectLogin(entries, { clientId: "c2" }).entry.username).toBe("other");
    expect(selectLogin(entries, { username: "old" }).entry.username).toBe("old");
    expect(selectLogin(entries, { username: "sub-1" }).entry.username).toBe("other");
  });

  it("fails with a hint to log in when nothing matches", () => {
    expect(() => selectLogin(entries, { username: "nobody" })).toThrow(/no cached Cognito login for user nobody/);
  });
});

describe("explainCognitoError", () => {
  const aws = (code: string, message: string) =>
    new AwsError("Cognito", "InitiateAuth", code, message, "check the IAM permissions of these credentials", { cause: new Error(message) });

  it("says which flow to enable when the client does not allow it", () => {
    const error = explainCognitoError(aws("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"), { flow: "password" });
    expect((error as AwsError).hint).toMatch(/ALLOW_USER_PASSWORD_AUTH.*--flow srp/);
  });

  it("points at --client-secret for secret-hash failures", () => {
    const error = explainCognitoError(aws("NotAuthorizedException", "Unable to verify secret hash for client abc"));
    expect((error as AwsError).hint).toMatch(/--client-secret/);
  });

  it("replaces the IAM hint on a wrong password, and keeps the AWS code in the message", () => {
    const error = explainCognitoError(aws("NotAuthorizedException", "Incorrect username or password."), { hasSecret: true }) as AwsError;
    expect(error.hint).toBe("wrong username or password (or the user does not exist)");
    expect(error.message).toMatch(/InitiateAuth failed: NotAuthorizedException/);
  });

  it("tells an unconfirmed user how to confirm", () => {
    const error = explainCognitoError(aws("UserNotConfirmedException", "User is not confirmed."), { username: "jdoe" }) as AwsError;
    expect(error.hint).toMatch(/awsblog cognito confirm .*--username jdoe/);
  });
});
