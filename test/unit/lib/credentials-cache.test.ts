import { spawn } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCredentialsCache, type CachedCredentials, type LockOptions } from "../../../src/lib/credentials-cache.js";
import { InterruptedError } from "../../../src/lib/errors.js";

const NOW = new Date("2026-12-06T10:00:00Z");
const inMinutes = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString();
const creds = (expiration: string, attributes?: CachedCredentials["attributes"]): CachedCredentials => ({
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "secret",
  sessionToken: "token",
  expiration,
  ...(attributes ? { attributes } : {}),
});

async function configDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "awsblog-creds-")), "cfg");
}

/** A lock clock under the test's control: sleep advances it (no real waiting). */
function lockClock(overrides: Partial<LockOptions> = {}): LockOptions & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    signal: new AbortController().signal,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
    monotonicNow: () => t,
    now: () => NOW,
    waitMs: 60_000,
    staleMs: 600_000,
    slept,
    ...overrides,
  };
}

describe("credentials cache entries", () => {
  it("writes 0600 files in a 0700 folder, reads them back while more than minRemaining is left", async () => {
    const root = await configDir();
    const cache = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "saml");
    const file = await cache.save("idp|jane|role", [creds(inMinutes(60), { roleArn: "arn:aws:iam::1:role/R" })], NOW);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, "credentials"))).mode & 0o777).toBe(0o700);
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    expect(file).toMatch(/credentials\/saml-[0-9a-f]{16}\.json$/);
    const hit = await cache.read("idp|jane|role", { now: NOW, minRemainingMs: 15 * 60_000 });
    expect(hit?.credentials[0]).toMatchObject({ accessKeyId: "ASIAEXAMPLE", attributes: { roleArn: "arn:aws:iam::1:role/R" } });
    // 16 minutes left: still an answer with 15 required, none with 20.
    const later = new Date(NOW.getTime() + 44 * 60_000);
    expect(await cache.read("idp|jane|role", { now: later, minRemainingMs: 15 * 60_000 })).toBeDefined();
    expect(await cache.read("idp|jane|role", { now: later, minRemainingMs: 20 * 60_000 })).toBeUndefined();
    expect(await cache.read("another key", { now: NOW, minRemainingMs: 0 })).toBeUndefined();
    expect((await readdir(join(root, "credentials"))).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("every set in an entry must be fresh; a corrupt or foreign-key entry is a miss", async () => {
    const root = await configDir();
    const cache = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "saml");
    const file = await cache.save("k", [creds(inMinutes(60)), creds(inMinutes(10))], NOW);
    expect(await cache.read("k", { now: NOW, minRemainingMs: 15 * 60_000 })).toBeUndefined();
    await writeFile(file, "{not json");
    expect(await cache.read("k", { now: NOW, minRemainingMs: 0 })).toBeUndefined();
    // An entry whose stored key differs (a copied file) is not used.
    await writeFile(file, JSON.stringify({ version: 1, key: "other", savedAt: NOW.toISOString(), credentials: [creds(inMinutes(60))] }));
    expect(await cache.read("k", { now: NOW, minRemainingMs: 0 })).toBeUndefined();
  });

  it("remove drops one entry, removeAll the namespace's entries only", async () => {
    const root = await configDir();
    const saml = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "saml");
    const cognito = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "cognito");
    await saml.save("a", [creds(inMinutes(60))], NOW);
    await saml.save("b", [creds(inMinutes(60))], NOW);
    await cognito.save("a", [creds(inMinutes(60))], NOW);
    await saml.remove("a");
    expect(await saml.read("a", { now: NOW, minRemainingMs: 0 })).toBeUndefined();
    expect(await saml.read("b", { now: NOW, minRemainingMs: 0 })).toBeDefined();
    expect(await saml.removeAll()).toBe(1);
    expect(await saml.read("b", { now: NOW, minRemainingMs: 0 })).toBeUndefined();
    expect(await cognito.read("a", { now: NOW, minRemainingMs: 0 })).toBeDefined();
    // Nothing there yet: no error, nothing removed.
    expect(await createCredentialsCache({ AWSBLOG_CONFIG_DIR: await configDir() }, "saml").removeAll()).toBe(0);
  });

  it("refuses a symlinked folder, a symlinked entry, a foreign owner and group/other-writable modes", async () => {
    const root = await configDir();
    const cache = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "saml");
    const file = await cache.save("k", [creds(inMinutes(60))], NOW);
    const read = () => cache.read("k", { now: NOW, minRemainingMs: 0 });

    await chmod(file, 0o620);
    await expect(read()).rejects.toThrow(/credentials cache file .* is writable by group/);
    await chmod(file, 0o600);
    await chmod(join(root, "credentials"), 0o707);
    await expect(read()).rejects.toThrow(/credentials cache directory .* is writable by others/);
    await chmod(join(root, "credentials"), 0o700);
    if (process.getuid?.() === 0) {
      await chown(file, 4242, 4242);
      await expect(read()).rejects.toThrow(/is owned by another user \(uid 4242\)/);
      await chown(file, 0, 0);
    }
    expect(await read()).toBeDefined();

    // A planted symlink in place of the entry: refused, never followed.
    const elsewhere = join(root, "planted.json");
    await writeFile(elsewhere, await readFile(file, "utf8"), { mode: 0o600 });
    const { rm } = await import("node:fs/promises");
    await rm(file);
    await symlink(elsewhere, file);
    await expect(read()).rejects.toThrow(/credentials cache entry .* is a symbolic link/);

    // The whole folder a symlink: refused for reading and for writing.
    const other = await configDir();
    await mkdir(join(other, "real"), { recursive: true, mode: 0o700 });
    await symlink(join(other, "real"), join(other, "credentials"));
    const linked = createCredentialsCache({ AWSBLOG_CONFIG_DIR: other }, "saml");
    await expect(linked.read("k", { now: NOW, minRemainingMs: 0 })).rejects.toThrow(/credentials cache .*credentials is a symbolic link/);
    await expect(linked.save("k", [creds(inMinutes(60))], NOW)).rejects.toThrow(/is a symbolic link/);
    expect(await readdir(join(other, "real"))).toEqual([]);
  });
});

describe("credentials cache lock", () => {
  it("is a 0600 file naming the holder; release removes it", async () => {
    const root = await configDir();
    const cache = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "saml");
    const lock = await cache.lock("k", lockClock());
    expect((await stat(lock.file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(lock.file, "utf8"))).toMatchObject({ pid: process.pid, host: hostname(), since: NOW.toISOString() });
    await lock.release();
    expect((await readdir(join(root, "credentials"))).filter((n) => n.endsWith(".lock"))).toEqual([]);
  });

  it("ten concurrent callers: one signs in, the nine others wait and read its entry", async () => {
    const root = await configDir();
    let signIns = 0;
    const waits: number[] = [];
    const one = async (i: number) => {
      const cache = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "saml");
      const hit = await cache.read("k", { now: NOW, minRemainingMs: 0 });
      if (hit) return hit.credentials[0]!.accessKeyId;
      const lock = await cache.lock("k", { ...lockClock(), pollMs: 5, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), onWait: () => waits.push(i) });
      try {
        const again = await cache.read("k", { now: NOW, minRemainingMs: 0 });
        if (again) return again.credentials[0]!.accessKeyId;
        signIns++;
        await new Promise((r) => setTimeout(r, 30)); // the sign-in takes a while
        await cache.save("k", [{ ...creds(inMinutes(60)), accessKeyId: `ASIA${i}` }], NOW);
        return `ASIA${i}`;
      } finally {
        await lock.release();
      }
    };
    const keys = await Promise.all(Array.from({ length: 10 }, (_, i) => one(i)));
    expect(signIns).toBe(1);
    expect(new Set(keys).size).toBe(1);
    expect(waits.length).toBeGreaterThan(0);
  });

  it("takes over a lock whose holder is dead", async () => {
    const root = await configDir();
    const cache = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "saml");
    const held = await cache.lock("k", lockClock());
    const child = spawn(process.execPath, ["-e", "0"]);
    const deadPid = await new Promise<number>((resolve) => child.on("exit", () => resolve(child.pid!)));
    await writeFile(held.file, JSON.stringify({ pid: deadPid, host: hostname(), since: NOW.toISOString(), token: "dead" }));
    const clock = lockClock();
    const lock = await cache.lock("k", clock);
    expect(clock.slept).toEqual([]);
    expect(JSON.parse(await readFile(lock.file, "utf8")).pid).toBe(process.pid);
    await lock.release();
  });

  it("takes over a lock older than staleMs even when its holder runs; waits for a fresh one", async () => {
    const root = await configDir();
    const cache = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "saml");
    const old = await cache.lock("k", lockClock({ now: () => new Date(NOW.getTime() - 11 * 60_000) }));
    const lock = await cache.lock("k", lockClock({ staleMs: 10 * 60_000 }));
    expect(JSON.parse(await readFile(lock.file, "utf8")).since).toBe(NOW.toISOString());
    await old.release(); // not the holder any more: leaves the new lock alone
    await expect(stat(lock.file)).resolves.toBeDefined();

    const waiting = lockClock({ waitMs: 1_000, pollMs: 100 });
    const holders: number[] = [];
    await expect(cache.lock("k", { ...waiting, onWait: (h) => holders.push(h.pid) })).rejects.toThrow(
      new RegExp(`another awsblog sign-in \\(pid ${process.pid}\\) still holds .*\\.lock after 1 s`),
    );
    expect(holders).toEqual([process.pid]);
    expect(waiting.slept).toHaveLength(10);
    await lock.release();
  });

  it("Ctrl-C while waiting ends the wait with InterruptedError", async () => {
    const root = await configDir();
    const cache = createCredentialsCache({ AWSBLOG_CONFIG_DIR: root }, "saml");
    const held = await cache.lock("k", lockClock());
    const abort = new AbortController();
    const waiting = cache.lock("k", { ...lockClock({ signal: abort.signal }), onWait: () => abort.abort() });
    await expect(waiting).rejects.toBeInstanceOf(InterruptedError);
    await held.release();
  });
});
