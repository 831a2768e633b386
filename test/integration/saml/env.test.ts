import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { quoteFish, quotePowerShell } from "../../../src/lib/saml/shell-lines.js";

/**
 * `saml env`: the lines are evaluated by the shells installed here (bash, dash as sh, zsh when
 * present) with values built to break naive quoting; the variables the shell ends with are
 * compared byte for byte, and nothing in a value may run.
 */
const NOW = new Date("2026-12-02T04:00:00Z");
let dir: string;
let file: string;
let marker: string;
// Everything a shell could expand or end a quote with, and PowerShell's typographic quotes.
const hostile = () => `a'b"c$(touch ${marker})\`touch ${marker}\`\\n;$HOME%PATH%’‘ #x`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "awsblog-saml-env-"));
  file = join(dir, "credentials");
  marker = join(dir, "ran");
  writeFileSync(
    file,
    `[dev]\naws_access_key_id = ASIADEV\naws_secret_access_key = ${hostile()}\naws_session_token = tok'en==\nx_security_token_expires = 2026-12-02T05:00:00Z\n\n` +
      "[keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = plain\n\n" +
      "[old]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2026-12-02T03:00:00Z\n",
    { mode: 0o600 },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], extra: Record<string, string | undefined> = {}) =>
  awsblog(["saml", "env", ...args], { now: () => NOW, env: { AWS_SHARED_CREDENTIALS_FILE: file, ...extra } });

const PRINT = 'for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_PROFILE AWS_SECURITY_TOKEN; do eval "printf \'%s=%s\\n\' $v \\"\\${$v-<unset>}\\""; done';

function evalIn(shell: string, lines: string): string {
  const script = `eval "$AWSBLOG_LINES"\n${PRINT}`;
  // --norc: Debian's bash reads ~/.bashrc even for -c when it thinks sshd started it.
  const result = spawnSync(shell, [...(shell.endsWith("bash") ? ["--norc", "--noprofile"] : []), "-c", script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, AWSBLOG_LINES: lines, AWS_PROFILE: "someone-else", AWS_SECURITY_TOKEN: "stale", AWS_SESSION_TOKEN: "stale" },
  });
  expect(result.stderr).toBe("");
  return result.stdout;
}

const expected = () =>
  [
    "AWS_ACCESS_KEY_ID=ASIADEV",
    `AWS_SECRET_ACCESS_KEY=${hostile()}`,
    "AWS_SESSION_TOKEN=tok'en==",
    "AWS_CREDENTIAL_EXPIRATION=2026-12-02T05:00:00.000Z",
    "AWS_PROFILE=<unset>",
    "AWS_SECURITY_TOKEN=<unset>",
    "",
  ].join("\n");

describe("saml env", () => {
  for (const [shell, flag] of [["bash", "bash"], ["dash", "sh"], ["zsh", "zsh"]] as const) {
    const path = ["/bin", "/usr/bin"].map((d) => join(d, shell)).find((p) => existsSync(p));
    // zsh is not on every machine; bash and dash are (Debian's sh), so those always run.
    if (!path && shell === "zsh") continue;
    it(`${shell} evaluates the ${flag} lines to the profile's exact values and runs nothing`, async () => {
      const result = await run(["--profile-name", "dev", "--shell", flag]);
      expect(result.code).toBe(0);
      expect(evalIn(path ?? shell, result.stdout)).toBe(expected());
      expect(existsSync(marker)).toBe(false);
    });
  }

  it("the shell follows $SHELL (fish, else sh); JSON lists what is set and unset", async () => {
    const fish = await run(["--profile-name", "keys"], { SHELL: "/usr/bin/fish" });
    expect(fish.stdout).toBe(
      ["set -e AWS_PROFILE", "set -e AWS_DEFAULT_PROFILE", "set -e AWS_SECURITY_TOKEN", "set -e AWS_SESSION_TOKEN", "set -e AWS_CREDENTIAL_EXPIRATION", "set -gx AWS_ACCESS_KEY_ID 'AKIAKEYS'", "set -gx AWS_SECRET_ACCESS_KEY 'plain'", ""].join("\n"),
    );
    const sh = await run(["--profile-name", "keys"], { SHELL: "/bin/bash" });
    expect(sh.stdout).toContain("export AWS_ACCESS_KEY_ID='AKIAKEYS'\n");
    const json = await run(["--profile-name", "dev", "--shell", "powershell", "-o", "json"]);
    expect(json.json()).toMatchObject({ profile: "dev", shell: "powershell", expiration: "2026-12-02T05:00:00.000Z", set: { AWS_ACCESS_KEY_ID: "ASIADEV", AWS_SESSION_TOKEN: "tok'en==" }, unset: ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"] });
    const ps = await run(["--profile-name", "dev", "--shell", "powershell"]);
    expect(ps.stdout).toContain("Remove-Item -ErrorAction SilentlyContinue Env:AWS_PROFILE\n");
    expect(ps.stdout).toContain("$Env:AWS_SESSION_TOKEN = 'tok''en=='\n");
  });

  it("fish and PowerShell quoting (no fish or pwsh on this machine: checked against their documented rules)", () => {
    // fish: inside '…' only \\ and \' are escapes.
    expect(quoteFish(`it's a \\ $x`)).toBe(`'it\\'s a \\\\ $x'`);
    // PowerShell: inside '…' a quote is doubled, and ‘ ’ ‚ ‛ are quotes too.
    expect(quotePowerShell("a'b’c$(x)")).toBe("'a''b’’c$(x)'");
  });

  it("expired credentials, a missing profile, a bad --shell: one line, no export lines", async () => {
    const old = await run(["--profile-name", "old"]);
    expect(old.code).toBe(1);
    expect(old.stdout).toBe("");
    expect(old.stderr).toMatch(/^awsblog: the credentials of profile old expired at .* — log in again: awsblog saml login --write-profile old\n$/);
    const missing = await run(["--profile-name", "nope"]);
    expect(missing.code).toBe(1);
    const bad = await run(["--profile-name", "dev", "--shell", "tcsh"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
  });
});
