import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
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

/**
 * The profile is part of a run's own environment map, not of the process: two runs in one
 * process, at the same time, each reach the SDK with their own profile's keys. The endpoint
 * holds the first request until the second has arrived, so both runs are in flight at once.
 */
describe("two in-process runs with different profiles", () => {
  it("each run signs with its own profile's keys (--profile alpha and AWS_PROFILE=beta, concurrently)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "awsblog-profiles-"));
    const seen: { token: string; credential: string }[] = [];
    const held: (() => void)[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const token = (JSON.parse(body) as { taskToken: string }).taskToken;
        seen.push({ token, credential: /Credential=([^/]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "" });
        const answer = () => res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end("{}");
        held.push(answer);
        if (held.length === 2) held.forEach((release) => release());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const profiles = { AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") };
      writeFileSync(profiles.AWS_CONFIG_FILE, `[profile alpha]\nregion = eu-west-1\nendpoint_url = ${url}\n\n[profile beta]\nregion = ap-south-1\nendpoint_url = ${url}\n`);
      writeFileSync(profiles.AWS_SHARED_CREDENTIALS_FILE, "[alpha]\naws_access_key_id = AKIDALPHA\naws_secret_access_key = a\n\n[beta]\naws_access_key_id = AKIDBETA\naws_secret_access_key = b\n");
      const base = { ...profiles, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_REGION: undefined };
      const profileBefore = process.env.AWS_PROFILE;
      const [alpha, beta] = await Promise.all([
        // A read timeout: should one run never reach the endpoint, the other ends with exit 1.
        awsblog(["approve", "--token", "token-alpha", "--profile", "alpha", "--cli-read-timeout", "5", "-o", "json"], { env: base }),
        awsblog(["approve", "--token", "token-beta", "--cli-read-timeout", "5", "-o", "json"], { env: { ...base, AWS_PROFILE: "beta" } }),
      ]);
      expect([alpha.code, alpha.stderr, beta.code, beta.stderr]).toEqual([0, "", 0, ""]);
      expect(seen.sort((a, b) => a.token.localeCompare(b.token))).toEqual([
        { token: "token-alpha", credential: "AKIDALPHA" },
        { token: "token-beta", credential: "AKIDBETA" },
      ]);
      expect(process.env.AWS_PROFILE).toBe(profileBefore);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 20_000);
});
