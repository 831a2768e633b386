import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readProfile, updateCredentialsText, writeProfiles } from "../../../src/lib/saml/credentials-file.js";

const creds = (id: string) => ({ accessKeyId: id, secretAccessKey: `s-${id}`, sessionToken: `t-${id}`, expiration: new Date("2026-12-02T05:00:00Z") });

describe("updateCredentialsText", () => {
  it("replaces only the profile's credential keys, keeping comments, other keys and other profiles", () => {
    const before = "; top comment\n[default]\naws_access_key_id=A\n\n[saml]   # ours\nregion = eu-west-1\naws_access_key_id = OLD\naws_security_token = legacy\n# note\n[other]\nx=1\n";
    const after = updateCredentialsText(before, [{ profile: "saml", credentials: creds("NEW") }]);
    expect(after).toBe(
      "; top comment\n[default]\naws_access_key_id=A\n\n[saml]   # ours\naws_access_key_id = NEW\naws_secret_access_key = s-NEW\naws_session_token = t-NEW\nx_security_token_expires = 2026-12-02T05:00:00.000Z\nregion = eu-west-1\n# note\n[other]\nx=1\n",
    );
    expect(readProfile(after, "saml")).toMatchObject({ aws_access_key_id: "NEW", region: "eu-west-1", x_security_token_expires: "2026-12-02T05:00:00.000Z" });
    expect(readProfile(after, "missing")).toBeUndefined();
  });

  it("appends new profiles, keeps CRLF files CRLF, and starts an empty file cleanly", () => {
    expect(updateCredentialsText("", [{ profile: "a", credentials: creds("A") }])).toMatch(/^\[a\]\naws_access_key_id = A\n/);
    const crlf = updateCredentialsText("[default]\r\nx = 1\r\n", [{ profile: "b", credentials: creds("B") }]);
    expect(crlf).toMatch(/^\[default\]\r\nx = 1\r\n\r\n\[b\]\r\naws_access_key_id = B\r\n/);
    expect(crlf.replace(/\r\n/g, "")).not.toContain("\n");
  });
});

describe("writeProfiles", () => {
  it("writes atomically with mode 0600, leaves no temp file, and follows a symlinked file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "awsblog-creds-"));
    try {
      const real = join(dir, "real");
      writeFileSync(real, "[keep]\nk = v\n", { mode: 0o644 });
      symlinkSync(real, join(dir, "credentials"));
      await writeProfiles(join(dir, "credentials"), [{ profile: "saml", credentials: creds("X") }]);
      expect(readFileSync(real, "utf8")).toMatch(/^\[keep\]\nk = v\n\n\[saml\]\n/);
      expect(statSync(real).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir).sort()).toEqual(["credentials", "real"]);

      const fresh = join(dir, "sub", "credentials");
      await writeProfiles(fresh, [{ profile: "saml", credentials: creds("Y") }]);
      expect(statSync(fresh).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
