import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { awsblog } from "../../helpers/in-process.js";

/**
 * `saml exec`: the command runs as a child that inherits awsblog's own stdout and stderr, so the
 * test that reads what the child printed runs the built CLI as a process; the refusals run
 * in-process.
 */
describe("saml exec", () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "awsblog-saml-exec-"));
    file = join(dir, "credentials");
    const later = new Date(Date.now() + 3600_000).toISOString();
    const earlier = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(
      file,
      `[fresh]\naws_access_key_id = ASIAFRESH\naws_secret_access_key = s3cret\naws_session_token = tok\nx_security_token_expires = ${later}\n\n` +
        `[stale]\naws_access_key_id = ASIASTALE\naws_secret_access_key = old\naws_session_token = tok\nx_security_token_expires = ${earlier}\n`,
      { mode: 0o600 },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: "someone-else" });

  it("runs the command without a shell, with the profile's keys, and returns its exit code", async () => {
    const script = "console.log([process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SESSION_TOKEN, process.env.AWS_PROFILE ?? 'none', process.argv[1]].join(' ')); process.exit(7)";
    const result = await runCli(["saml", "exec", "--profile-name", "fresh", "--", process.execPath, "-e", script, "$HOME;echo"], { env: env() });
    expect(result.stdout).toBe("ASIAFRESH tok none $HOME;echo\n");
    expect(result.code).toBe(7);
  });

  it("expired credentials: exit 1, log in again, nothing run", async () => {
    const marker = join(dir, "ran-stale");
    const result = await awsblog(["saml", "exec", "--profile-name", "stale", "--", process.execPath, "-e", `require("fs").writeFileSync(${JSON.stringify(marker)}, "")`], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(existsSync(marker)).toBe(false);
    expect(result.stderr).toMatch(/^awsblog: the credentials of profile stale expired at .* — log in again: awsblog saml login --write-profile stale\n$/);
  });

  it("a missing profile, command, or binary is reported on one line", async () => {
    const missing = await awsblog(["saml", "exec", "--profile-name", "nope", "--", "true"], { env: env() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/profile nope has no credentials .* — log in again/);
    const none = await awsblog(["saml", "exec", "--profile-name", "fresh"], { env: env() });
    expect(none.code).toBe(2);
    const notFound = await awsblog(["saml", "exec", "--profile-name", "fresh", "--", "no-such-binary-xyz"], { env: env() });
    expect(notFound.code).toBe(2);
    expect(notFound.stderr).toMatch(/cannot run "no-such-binary-xyz" \(ENOENT\) — check the command name/);
  });
});
