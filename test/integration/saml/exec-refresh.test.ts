import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { awsblog } from "../../helpers/in-process.js";
import { startTestIdp, type TestIdp } from "../../../doubles/saml/idp.js";
import { makeSigningKey, PROVIDER_ARN, roleArn } from "../../../doubles/saml/signer.js";
import { startStsDouble, type StsDouble } from "../../../doubles/saml/sts.js";

/**
 * `saml exec --refresh`: a real boto3 child reads the loopback credentials endpoint
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI) across two expiries of 15-minute credentials. awsblog, the
 * IdP and the STS double share one pinned clock that the test moves between the child's steps;
 * botocore keeps its own (real) clock, so the pinned clock starts 14 minutes behind it: every
 * session it is served then ends within botocore's 15-minute refresh window and it asks again.
 */
const key = makeSigningKey();
const PASSWORD = "Corr3ct horse!";
let clock: Date;
let sts: StsDouble;
let idp: TestIdp;
let configDir: string;

beforeAll(async () => {
  sts = await startStsDouble({ providers: { [PROVIDER_ARN]: key.publicKey }, roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN], maxSessionDuration: 3600 } }, now: () => clock });
  idp = await startTestIdp({ key, users: { "EXAMPLE\\jane": PASSWORD }, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`, `${roleArn("ADFS-Ops")},${PROVIDER_ARN}`], now: () => clock });
});
afterAll(async () => {
  await sts?.stop();
  await idp?.stop();
});
beforeEach(() => {
  clock = new Date(Date.now() - 14 * 60_000);
  sts.requests.length = 0;
  idp.requests.length = 0;
  // The IdP session (cookies) awsblog keeps between sign-ins lives here, not in $HOME.
  configDir = mkdtempSync(join(tmpdir(), "awsblog-saml-refresh-"));
  return () => rmSync(configDir, { recursive: true, force: true });
});

/** The child's side: one JSON line per step, then waits for "next". */
const CHILD = String.raw`
import json, os, socket, sys
import boto3
conn = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
io = conn.makefile("rw")
lasting = boto3.Session().get_credentials()
while True:
    fresh = boto3.Session().get_credentials()
    io.write(json.dumps({
        "method": fresh.method,
        "fresh": fresh.get_frozen_credentials().access_key,
        "lasting": lasting.get_frozen_credentials().access_key,
        "env": sorted(k for k in os.environ if k.startswith("AWS_")),
        "uri": os.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI", ""),
    }) + "\n")
    io.flush()
    if io.readline().strip() != "next":
        break
`;

interface Step {
  method: string;
  fresh: string;
  lasting: string;
  env: string[];
  uri: string;
}

/** A coordinator the child connects to: the test reads each step and decides when it goes on. */
async function coordinator(): Promise<{ port: number; steps: AsyncIterator<Step>; send(line: string): void; close(): void }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const connected = new Promise<import("node:net").Socket>((resolve) => server.once("connection", resolve));
  let socket: import("node:net").Socket | undefined;
  const lines = (async function* () {
    socket = await connected;
    for await (const line of createInterface({ input: socket })) yield JSON.parse(line) as Step;
  })();
  return {
    port: (server.address() as AddressInfo).port,
    steps: lines,
    send: (line) => socket?.write(`${line}\n`),
    close: () => {
      socket?.destroy();
      server.close();
    },
  };
}

const signInFlags = () => ["--idp-url", idp.adfsUrl, "--username", "EXAMPLE\\jane", "--role", "ADFS-Dev", "--duration", "900"];

describe("saml exec --refresh", () => {
  it("a boto3 child reads the endpoint across two expiries; awsblog signs in again before each; no static keys reach it", async () => {
    const child = await coordinator();
    const running = awsblog(["--endpoint-url", sts.url, "saml", "exec", "--refresh", ...signInFlags(), "--", "python3", "-c", CHILD, String(child.port)], {
      now: () => clock,
      env: { AWSBLOG_CONFIG_DIR: configDir, AWSBLOG_PASSWORD: PASSWORD, AWS_ACCESS_KEY_ID: "AKIASTALE", AWS_SECRET_ACCESS_KEY: "stale", AWS_SESSION_TOKEN: "stale", AWS_SECURITY_TOKEN: "stale", AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/stale", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" },
    });
    const seen: Step[] = [];
    // If awsblog ends first (a refusal), say so instead of waiting for a child that never started.
    const ended = running.then((r) => Promise.reject(new Error(`awsblog ended early (${r.code}): ${r.stderr}`)));
    for (const minutes of [8, 16, 24, undefined]) {
      const step = await Promise.race([child.steps.next(), ended]);
      expect(step.done).toBe(false);
      seen.push(step.value as Step);
      if (minutes === undefined) child.send("done");
      else {
        // 8 minutes on, a 15-minute session has 7 left: under half its life, so it is renewed.
        clock = new Date(clock.getTime() + 8 * 60_000);
        child.send("next");
      }
    }
    const result = await running;
    child.close();
    expect(result.code, result.stderr).toBe(0);

    const issued = sts.requests.map((r) => r.issued!.accessKeyId);
    expect(issued).toHaveLength(4);
    expect(new Set(issued).size).toBe(4);
    // Step n sees the session signed in for it: the first, then one per 8 minutes — K1 (until +15) and K2 (until +23) both ran out on the way.
    expect(seen.map((s) => s.fresh)).toEqual(issued);
    expect(seen.map((s) => s.method)).toEqual(["container-role", "container-role", "container-role", "container-role"]);
    // One long-lived botocore session refreshes by itself while what it holds is inside its window.
    expect(seen.slice(0, 3).map((s) => s.lasting)).toEqual(issued.slice(0, 3));
    for (const step of seen) {
      expect(step.env).toEqual(["AWS_CONFIG_FILE", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED", "AWS_REGION", "AWS_SHARED_CREDENTIALS_FILE"]);
      expect(step.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
    }
    // Each renewal was a sign-in at the IdP (a new assertion) and AssumeRoleWithSAML; the kept IdP session spared the password after the first.
    expect(idp.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(sts.requests.every((r) => r.params.RoleArn === roleArn("ADFS-Dev") && r.params.DurationSeconds === "900")).toBe(true);
    expect(result.stderr.match(/signed in again: credentials until/g)).toHaveLength(3);
    expect(result.stderr).not.toContain(PASSWORD);
  }, 120_000);

  it("a failed renewal keeps serving the held session while it lasts (with a warning), then answers 503 and the SDK reports it", async () => {
    const trust = { trusts: [PROVIDER_ARN] };
    const picky = await startStsDouble({ providers: { [PROVIDER_ARN]: key.publicKey }, roles: { [roleArn("ADFS-Dev")]: trust }, now: () => clock });
    const strict = await startTestIdp({ key, users: { "EXAMPLE\\jane": PASSWORD }, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`], now: () => clock });
    const script = String.raw`
import json, socket, sys
import boto3
conn = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
io = conn.makefile("rw")
while True:
    try:
        line = {"key": boto3.Session().get_credentials().get_frozen_credentials().access_key}
    except Exception as e:
        line = {"error": type(e).__name__}
    io.write(json.dumps(line) + "\n")
    io.flush()
    if io.readline().strip() != "next":
        break
`;
    const child = await coordinator();
    try {
      const running = awsblog(["--endpoint-url", picky.url, "saml", "exec", "--refresh", "--idp-url", strict.adfsUrl, "--username", "EXAMPLE\\jane", "--duration", "900", "--", "python3", "-c", script, String(child.port)], {
        now: () => clock,
        env: { AWSBLOG_CONFIG_DIR: configDir, AWSBLOG_PASSWORD: PASSWORD },
      });
      const ended = running.then((r) => Promise.reject(new Error(`awsblog ended early (${r.code}): ${r.stderr}`)));
      const first = (await Promise.race([child.steps.next(), ended])).value as unknown as { key: string };
      // The role's trust policy no longer names the provider: the next AssumeRoleWithSAML is refused.
      trust.trusts = [];
      clock = new Date(clock.getTime() + 8 * 60_000);
      child.send("next");
      const held = (await Promise.race([child.steps.next(), ended])).value as unknown as { key: string };
      clock = new Date(clock.getTime() + 8 * 60_000); // past the held session's end
      child.send("next");
      const after = (await Promise.race([child.steps.next(), ended])).value as unknown as { error?: string };
      child.send("done");
      const result = await running;
      expect(result.code).toBe(0);
      expect(held.key).toBe(first.key);
      expect(after.error).toBeDefined();
      // One good exchange; every renewal after it refused (the SDK may ask more than once per step).
      const outcomes = picky.requests.map((r) => r.outcome);
      expect(outcomes[0]).toBe("ok");
      expect(outcomes.length).toBeGreaterThanOrEqual(3);
      expect(new Set(outcomes.slice(1))).toEqual(new Set(["AccessDenied"]));
      expect(result.stderr).toMatch(/could not sign in again \(.*AccessDenied/);
      expect(result.stderr).not.toContain(PASSWORD);
    } finally {
      child.close();
      await strict.stop();
      await picky.stop();
    }
  }, 120_000);

  it("the endpoint wants the run's token, compared in constant time; other paths and hosts are refused", async () => {
    const script = String.raw`
import os, urllib.request, urllib.error, json
uri = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
def status(url, headers):
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers)).status
    except urllib.error.HTTPError as e:
        return e.code
ok = json.load(urllib.request.urlopen(urllib.request.Request(uri, headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})))
print(json.dumps({
    "keys": sorted(ok),
    "none": status(uri, {}),
    "wrong": status(uri, {"Authorization": "x" * len(os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"])}),
    "path": status(uri.replace("/credentials", "/other"), {"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}),
    "host": status(uri, {"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"], "Host": "evil.example"}),
}))
`;
    // The child's stdout is awsblog's own: a child process, so the test can read it.
    clock = new Date();
    const result = await runCli(["--endpoint-url", sts.url, "saml", "exec", "--refresh", ...signInFlags(), "--", "python3", "-c", script], { env: { AWSBLOG_CONFIG_DIR: configDir, AWSBLOG_PASSWORD: PASSWORD } });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ keys: ["AccessKeyId", "Expiration", "SecretAccessKey", "Token"], none: 401, wrong: 401, path: 404, host: 421 });
  }, 60_000);

  it("the AWS CLI v1 signs with the endpoint's credentials (aws sts get-caller-identity against a local STS that echoes the key)", async () => {
    clock = new Date();
    const { createServer: createHttp } = await import("node:http");
    const keys: string[] = [];
    const echo = createHttp((req, res) => {
      keys.push(/Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "");
      req.resume();
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/ADFS-Dev/jane</Arn>` +
          `<UserId>AROAEXAMPLE:jane</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    try {
      const result = await runCli(["--endpoint-url", sts.url, "saml", "exec", "--refresh", ...signInFlags(), "--", "aws", "--region", "us-east-1", "--endpoint-url", echoUrl, "sts", "get-caller-identity", "--output", "json"], {
        env: { AWSBLOG_CONFIG_DIR: configDir, AWSBLOG_PASSWORD: PASSWORD, AWS_ACCESS_KEY_ID: "AKIASTALE", AWS_SECRET_ACCESS_KEY: "stale" },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ Account: "123456789012" });
      expect(keys).toEqual([sts.requests.at(-1)!.issued!.accessKeyId]);
    } finally {
      echo.close();
    }
  }, 60_000);

  it("refusals: --refresh without --idp-url, sign-in flags without --refresh, several roles and no choice", async () => {
    const noIdp = await awsblog(["saml", "exec", "--refresh", "--", "true"]);
    expect(noIdp.code).toBe(2);
    expect(noIdp.stderr).toMatch(/^awsblog: --refresh signs in again at the IdP and needs --idp-url — /);
    const noRefresh = await awsblog(["saml", "exec", "--idp-url", idp.adfsUrl, "--", "true"]);
    expect(noRefresh.code).toBe(2);
    expect(noRefresh.stderr).toMatch(/work with --refresh — add --refresh/);
    clock = new Date();
    const several = await awsblog(["--endpoint-url", sts.url, "saml", "exec", "--refresh", "--idp-url", idp.adfsUrl, "--username", "EXAMPLE\\jane", "--", "true"], { now: () => clock, env: { AWSBLOG_CONFIG_DIR: configDir, AWSBLOG_PASSWORD: PASSWORD } });
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/the assertion grants 2 roles and none was chosen/);
    expect(sts.requests).toHaveLength(0);
  });
});
