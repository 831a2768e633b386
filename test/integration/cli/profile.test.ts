import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { startHungEndpoint, type HungEndpoint } from "./hung-endpoint.js";

/**
 * `--profile X` must mean what `AWS_PROFILE=X` means: the profile's endpoint_url (and
 * region, credentials) are used. Before, only region and credentials were, and calls went to
 * the public AWS endpoint. An unknown profile names itself, not "no region".
 */
let hung: HungEndpoint;
let files: { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string };
beforeAll(async () => {
  hung = await startHungEndpoint();
  const dir = mkdtempSync(join(tmpdir(), "awsblog-profile-"));
  files = { AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") };
  writeFileSync(files.AWS_CONFIG_FILE, `[default]\nregion = us-east-1\n\n[profile emu]\nregion = eu-west-3\nendpoint_url = ${hung.url}\n`);
  writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, "[emu]\naws_access_key_id = AKIDEMU\naws_secret_access_key = emu-secret\n");
});
afterAll(() => hung?.close());

/** No credentials or region in the environment: everything must come from the profile. */
const env = () => ({ ...files, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_REGION: undefined });

describe("--profile", () => {
  it("--profile emu sends the call to the profile's endpoint_url, signed for its region with its keys", async () => {
    const before = hung.received.length;
    const run = await awsblog(["approve", "--token", "t", "--profile", "emu", "--cli-read-timeout", "0.2"], { env: env() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: no answer from StepFunctions SendTaskSuccess after/);
    const sent = hung.received.slice(before);
    expect(sent).toMatch(/Credential=AKIDEMU\/\d{8}\/eu-west-3\/states\//);
  }, 20_000);

  it("AWS_PROFILE=emu behaves the same (the reference behaviour)", async () => {
    const before = hung.received.length;
    const run = await awsblog(["approve", "--token", "t", "--cli-read-timeout", "0.2"], { env: { ...env(), AWS_PROFILE: "emu" } });
    expect(run.code).toBe(1);
    expect(hung.received.slice(before)).toMatch(/Credential=AKIDEMU\/\d{8}\/eu-west-3\/states\//);
  }, 20_000);

  it("--profile wins over AWS_PROFILE, and prints no multi-line SDK warning about env keys", async () => {
    const before = hung.received.length;
    const run = await awsblog(["approve", "--token", "t", "--profile", "emu", "--cli-read-timeout", "0.2"], {
      env: { ...files, AWS_PROFILE: "default", AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "x" },
    });
    expect(run.code).toBe(1);
    expect(hung.received.slice(before)).toMatch(/Credential=AKIDEMU\//);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  }, 20_000);

  it("--profile nosuch: 'profile nosuch not found in <files>', exit 2, before any call", async () => {
    const before = hung.received.length;
    const run = await awsblog(["approve", "--token", "t", "--profile", "nosuch"], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `awsblog: profile nosuch not found in ${files.AWS_CONFIG_FILE} or ${files.AWS_SHARED_CREDENTIALS_FILE} — check the name (known: default, emu), or create it with \`aws configure --profile nosuch\`\n`,
    );
    expect(hung.received.length).toBe(before);
  });

  it("AWS_PROFILE=nosuch is refused the same way", async () => {
    const run = await awsblog(["approve", "--token", "t"], { env: { ...env(), AWS_PROFILE: "nosuch" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^awsblog: profile nosuch not found in /);
  });
});

describe("--endpoint-url", () => {
  it("must be an http(s) URL: anything else is a usage error (exit 2) before any call", async () => {
    for (const bad of ["localhost:4566", "ftp://127.0.0.1/", "127.0.0.1", "http://", "not a url"]) {
      const run = await awsblog(["approve", "--token", "t", "--endpoint-url", bad]);
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toMatch(/^awsblog: --endpoint-url ".*" is not an http\(s\) URL — pass e\.g\. --endpoint-url http:\/\/127\.0\.0\.1:5000/);
    }
  });
});
