import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trueBinary } from "./small-elf.js";
import { awsblog } from "../../helpers/in-process.js";
import { makeSigningKey, PROVIDER_ARN, roleArn, samlResponse } from "../../../doubles/saml/signer.js";

/**
 * Files, devices and homes: outputs never replace what is not a regular file, special files
 * in the environment or the inputs are refused up front, and a home that cannot hold our
 * files is one line naming the path — never a hang, a clobbered device or "unexpected error".
 */
const dir = mkdtempSync(join(tmpdir(), "awsblog-files-"));
const fifo = join(dir, "pipe");
execFileSync("mkfifo", [fifo]);
const NOWHERE = ["--endpoint-url", "http://127.0.0.1:9", "--cli-connect-timeout", "1"];
const ROLE = "arn:aws:iam::123456789012:role/tag-lambda";
const rules = join(dir, "rules.json");
writeFileSync(rules, JSON.stringify([{ RuleId: 1, TagKey: "Team", Action: "Update", Required: "Y", Default: "web" }]));
const app = join(dir, "app");
copyFileSync(trueBinary(), app); // any small ELF will do for package go
chmodSync(app, 0o755);

function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr.split("\n"), stderr).toHaveLength(2);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/unexpected/);
}

/**
 * A device node of our own, in the temp folder (as root: a second null device): the real ones
 * under /dev must never be the target of a test that could, before the fix, rename over them.
 */
function ownDevice(): string[] {
  const node = join(dir, "device");
  try {
    execFileSync("mknod", [node, "c", "1", "3"], { stdio: "ignore" });
    return [node];
  } catch {
    return []; // not root: the FIFO case still runs
  }
}
const devices = ownDevice();

describe("--out and --report never replace a device, FIFO or folder", () => {
  for (const target of [fifo, ...devices]) {
    it(`package go --out ${target === fifo ? "<fifo>" : "<device>"} → exit 2, the node left as it was`, async () => {
      const before = lstatSync(target);
      const run = await awsblog(["package", "go", "--entry", app, "--out", target]);
      expect(run.code).toBe(2);
      expectOneLine(run.stderr, /^awsblog: --out .* is (a FIFO \(named pipe\)|a device), not a regular file — /);
      const after = lstatSync(target);
      expect([after.ino, after.isFIFO(), after.isCharacterDevice()]).toEqual([before.ino, before.isFIFO(), before.isCharacterDevice()]);
    });
  }

  it("tags schedule --out <fifo> → exit 2 before any AWS call; a missing folder is named", async () => {
    const base = ["tags", "schedule", "--name", "tags", "--policy", rules, "--schedule", "rate(1 day)", "--role", ROLE, ...NOWHERE];
    const onFifo = await awsblog([...base, "--out", fifo]);
    expect(onFifo.code).toBe(2);
    expectOneLine(onFifo.stderr, /^awsblog: --out .*pipe is a FIFO \(named pipe\), not a regular file — /);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const missing = await awsblog([...base, "--out", "no/such/z.zip"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("awsblog: --out no/such/z.zip: folder no/such does not exist — create the folder first, or pick another path\n");
  });

  it("tags scan --report <link to a FIFO or device> → exit 2 before scanning", async () => {
    const report = join(dir, "full.csv");
    symlinkSync(devices[0] ?? fifo, report);
    const run = await awsblog(["tags", "scan", "--policy", rules, "--report", report, ...NOWHERE]);
    expect(run.code).toBe(2);
    expectOneLine(run.stderr, /^awsblog: --report .*full\.csv is (a device|a FIFO \(named pipe\)), not a regular file — /);
    expect(lstatSync(report).isSymbolicLink()).toBe(true);
  });

  it("package --include <fifo> is exit 2 (contract §10: special files), not a warning and a zip", async () => {
    const work = mkdtempSync(join(tmpdir(), "awsblog-include-"));
    copyFileSync(app, join(work, "app"));
    execFileSync("mkfifo", [join(work, "queue")]);
    mkdirSync(join(work, "conf"));
    execFileSync("mkfifo", [join(work, "conf", "socket-ish")]);
    const cwd = process.cwd();
    process.chdir(work);
    try {
      for (const include of ["queue", "conf"]) {
        const run = await awsblog(["package", "go", "--entry", "app", "--include", include, "--out", "fn.zip"]);
        expect(run.code, run.stderr).toBe(2);
        expectOneLine(run.stderr, /^awsblog: (queue|conf\/socket-ish) is a FIFO \(named pipe\), not a regular file or folder — /);
        expect(existsSync(join(work, "fn.zip"))).toBe(false);
      }
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("special files and missing folders in the AWS environment", () => {
  const key = makeSigningKey();
  const NOW = new Date("2026-12-02T04:00:00Z");
  const response = samlResponse({ key, now: NOW, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`] });

  for (const variable of ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]) {
    it(`a FIFO as ${variable}: approve and saml login refuse it (exit 2) instead of waiting forever`, async () => {
      const runs = await Promise.all([
        awsblog(["approve", "--token", "t0k3n", ...NOWHERE], { env: { [variable]: fifo } }),
        awsblog(["saml", "login", "--saml-response", response, ...NOWHERE], { env: { [variable]: fifo }, now: () => NOW }),
      ]);
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(2);
        expect(run.stderr).toBe(`awsblog: ${variable} (${fifo}) is a FIFO (named pipe), not a regular file — point ${variable} at a regular file, or unset it\n`);
      }
    }, 20_000);
  }

  it("saml exec: a FIFO credentials file is refused; a malformed x_security_token_expires is one line", async () => {
    const onFifo = await awsblog(["saml", "exec", "--", "true"], { env: { AWS_SHARED_CREDENTIALS_FILE: fifo } });
    expect(onFifo.code).toBe(2);
    expectOneLine(onFifo.stderr, /AWS_SHARED_CREDENTIALS_FILE .* is a FIFO/);
    const file = join(dir, "credentials");
    writeFileSync(file, "[saml]\naws_access_key_id = AK\naws_secret_access_key = S\nx_security_token_expires = next tuesday\n");
    const run = await awsblog(["saml", "exec", "--", "true"], { env: { AWS_SHARED_CREDENTIALS_FILE: file } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`awsblog: profile saml in ${file} has an unreadable x_security_token_expires ("next tuesday") — log in again: awsblog saml login --write-profile saml\n`);
  });
});

describe("homes that cannot hold our files", () => {
  const key = makeSigningKey();
  const NOW = new Date("2026-12-02T04:00:00Z");
  let sts: { url: string; stop(): Promise<void> };
  beforeAll(async () => {
    const { startStsDouble } = await import("../../../doubles/saml/sts.js");
    sts = await startStsDouble({ providers: { [PROVIDER_ARN]: key.publicKey }, roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN] } }, now: () => NOW });
  });
  afterAll(() => sts?.stop());
  const login = (home: string) =>
    awsblog(["saml", "login", "--saml-response", samlResponse({ key, now: NOW, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`] }), "--endpoint-url", sts.url], {
      now: () => NOW,
      env: { HOME: home, AWS_SHARED_CREDENTIALS_FILE: undefined, AWS_CONFIG_FILE: undefined, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });

  it("saml login: a missing ~/.aws (and home) is created; a home that is a file is one line naming the path", async () => {
    const home = join(dir, "new-home");
    const made = await login(home);
    expect(made.code, made.stderr).toBe(0);
    expect(statSync(join(home, ".aws", "credentials")).mode & 0o777).toBe(0o600);
    const notAFolder = join(dir, "home-file");
    writeFileSync(notAFolder, "");
    const run = await login(notAFolder);
    expect(run.code).toBe(1);
    expectOneLine(run.stderr, new RegExp(`^awsblog: cannot write the credentials file ${notAFolder}/\\.aws/credentials \\(ENOTDIR\\) — `));
  }, 20_000);

  it("cognito login: a home where .config cannot be made (under /proc) fails before Cognito is called, naming the path", async () => {
    const started = Date.now();
    const run = await awsblog(["cognito", "login", "--client-id", "abcdefghij", "--username", "u", "--flow", "password", ...NOWHERE], {
      env: { HOME: "/proc/awsblog-no-home", AWSBLOG_PASSWORD: "pw-123456" },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "awsblog: cannot create the token cache /proc/awsblog-no-home/.config/awsblog (ENOENT) — make that folder writable, or set AWSBLOG_CONFIG_DIR to a writable directory\n",
    );
    expect(Date.now() - started).toBeLessThan(5_000); // Node's recursive mkdir spins forever there
  });

  it("cognito logout --all: an entry that cannot be removed is one line naming it", async () => {
    const config = mkdtempSync(join(tmpdir(), "awsblog-cfg-"));
    mkdirSync(join(config, "cognito"), { mode: 0o700 });
    mkdirSync(join(config, "cognito", "stuck.json")); // unlink fails: it is a folder
    const run = await awsblog(["cognito", "logout", "--all"], { env: { AWSBLOG_CONFIG_DIR: config } });
    expect(run.code).toBe(1);
    expectOneLine(run.stderr, new RegExp(`^awsblog: cannot remove the token cache ${config}/cognito/stuck\\.json \\(\\w+\\) — make that folder writable`));
    expect(statSync(join(config, "cognito", "stuck.json")).isDirectory()).toBe(true);
  });
});

describe("global usage checks before any network", () => {
  it("--region '' and a region with control characters are usage errors", async () => {
    for (const value of ["", "us-east-1\u001b[2J", "x".repeat(100)]) {
      const run = await awsblog(["--region", value, "approve", "--token", "t", ...NOWHERE]);
      expect(run.code).toBe(2);
      expectOneLine(run.stderr, /^awsblog: --region ".*" is not a region name — pass e\.g\. --region us-east-1/);
    }
  });

  it("awsblog help nosuch → one line, exit 2; help of a real command still works", async () => {
    const run = await awsblog(["help", "nosuch"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('awsblog: unknown command "nosuch" — see awsblog --help\n');
    expect((await awsblog(["help", "dlq", "inspct"])).stderr).toBe('awsblog: unknown command "inspct" (did you mean inspect?) — see awsblog dlq --help\n');
    const help = await awsblog(["help", "dlq"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: awsblog dlq");
  });
});
