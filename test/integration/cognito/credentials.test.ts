import { CognitoIdentityClient, CreateIdentityPoolCommand } from "@aws-sdk/client-cognito-identity";
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, expect, it } from "vitest";
import { createCognitoIdentityApi, type CognitoIdentityApi } from "../../../src/lib/aws/cognito-identity.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import type { Services } from "../../../src/lib/services.js";
import { BIN, testEnv } from "../../helpers/cli.js";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { adminConfirm, createPool, sdk, tempConfigDir, type Pool } from "./world.js";

/**
 * `cognito credentials` (#23): the cached login's ID token → identity pool credentials, against
 * moto's identity pools (which accept any login, so the test checks the Logins map each call
 * carried), then used by real clients: boto3 reading the written profile, and boto3 running
 * awsblog as a profile's credential_process.
 */
const PASSWORD = "Str0ng-Passw0rd!";
const run = promisify(execFile);

/** The real identity API against moto, recording what each call was sent. */
function recordingIdentity(url: string): { services: Partial<Services>; calls: { name: string; input: unknown }[] } {
  const calls: { name: string; input: unknown }[] = [];
  return {
    calls,
    services: {
      async cognitoIdentity(region) {
        const aws = createAwsClientFactory({ region: region ?? "us-east-1", endpointUrl: url, userAgent: { name: "awsblog-test", version: "0" } });
        const api = await createCognitoIdentityApi(aws, { signal: new AbortController().signal, env: {} }, region);
        return {
          getId: (input) => (calls.push({ name: "getId", input }), api.getId(input)),
          getCredentialsForIdentity: (input) => (calls.push({ name: "getCredentialsForIdentity", input }), api.getCredentialsForIdentity(input)),
        } satisfies CognitoIdentityApi;
      },
    },
  };
}

/** Python with boto3: the profile's credentials as botocore resolves them, then an STS call with them. */
const BOTO = `
import boto3, json, sys
session = boto3.Session(profile_name=sys.argv[1])
c = session.get_credentials().get_frozen_credentials()
who = session.client("sts").get_caller_identity()
print(json.dumps({"accessKey": c.access_key, "secretKey": c.secret_key, "token": c.token, "account": who["Account"]}))
`;

describeWithMoto("cognito credentials from an identity pool", (moto) => {
  let pool: Pool;
  let config: string;
  let identityPoolId: string;
  let idToken: string;
  const cli = (args: string[], options: { env?: Record<string, string>; services?: Partial<Services> } = {}) =>
    awsblog([...args, "--endpoint-url", moto().url], { env: { AWSBLOG_CONFIG_DIR: config, ...options.env }, services: options.services });

  beforeAll(async () => {
    config = await tempConfigDir();
    pool = await createPool(sdk(moto().url));
    const signup = await cli(["cognito", "signup", "--client-id", pool.clientId, "--username", "ivy", "--attribute", "email=ivy@example.com"], { env: { AWSBLOG_PASSWORD: PASSWORD } });
    expect(signup.code, signup.stderr).toBe(0);
    await adminConfirm(sdk(moto().url), pool.poolId, "ivy");
    const login = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "ivy", "--user-pool-id", pool.poolId, "--flow", "password", "--print", "id"], {
      env: { AWSBLOG_PASSWORD: PASSWORD },
    });
    expect(login.code, login.stderr).toBe(0);
    idToken = login.stdout.trim();
    const identity = new CognitoIdentityClient(motoClientConfig(moto().url));
    const created = await identity.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: "blog_readers",
        AllowUnauthenticatedIdentities: false,
        CognitoIdentityProviders: [{ ProviderName: `cognito-idp.us-east-1.amazonaws.com/${pool.poolId}`, ClientId: pool.clientId }],
      }),
    );
    identityPoolId = created.IdentityPoolId!;
  });

  it("sends the cached ID token under the user pool's provider name and prints no secret", async () => {
    const identity = recordingIdentity(moto().url);
    const out = await cli(["cognito", "credentials", "--identity-pool-id", identityPoolId, "-o", "json"], { services: identity.services });
    expect(out.code, out.stderr).toBe(0);
    const logins = { [`cognito-idp.us-east-1.amazonaws.com/${pool.poolId}`]: idToken };
    expect(identity.calls).toEqual([
      { name: "getId", input: { identityPoolId, logins } },
      { name: "getCredentialsForIdentity", input: { identityId: expect.stringMatching(/^us-east-1:/), logins, customRoleArn: undefined } },
    ]);
    expect(out.json()).toEqual({ identityId: expect.stringMatching(/^us-east-1:/), identityPoolId, accessKeyId: "TESTACCESSKEY12345", expiration: expect.any(String), username: "ivy" });
    expect(out.stdout + out.stderr).not.toMatch(/ABCSECRETKEY|ABC12345/);
  });

  it("--write-profile writes a profile boto3 reads and calls STS with", async () => {
    const credentials = join(config, "aws-credentials");
    await writeFile(credentials, "# mine\n[default]\naws_access_key_id = AKIAKEEPME\naws_secret_access_key = keep\n", { mode: 0o600 });
    const out = await cli(["cognito", "credentials", "--identity-pool-id", identityPoolId, "--write-profile", "blog-user", "-o", "json"], { env: { AWS_SHARED_CREDENTIALS_FILE: credentials } });
    expect(out.code, out.stderr).toBe(0);
    expect(out.json()).toMatchObject({ profile: "blog-user", identityPoolId, username: "ivy" });
    expect(await readFile(credentials, "utf8")).toMatch(/^# mine\n\[default\]\naws_access_key_id = AKIAKEEPME\n[\s\S]*\[blog-user\]\naws_access_key_id = TESTACCESSKEY12345\n/);

    const env = testEnv({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_DEFAULT_REGION: "us-east-1", AWS_ENDPOINT_URL: moto().url, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    const { stdout } = await run("python3", ["-c", BOTO, "blog-user"], { env });
    expect(JSON.parse(stdout)).toEqual({ accessKey: "TESTACCESSKEY12345", secretKey: "ABCSECRETKEY", token: "ABC12345", account: "123456789012" });
  });

  it("--credential-process: boto3 runs awsblog for a profile's credentials", async () => {
    const awsConfig = join(config, "config");
    const command = `${process.execPath} ${BIN} cognito credentials --identity-pool-id ${identityPoolId} --credential-process --endpoint-url ${moto().url}`;
    await writeFile(awsConfig, `[profile cognito]\nregion = us-east-1\ncredential_process = ${command}\n`);
    const env = testEnv({ AWS_CONFIG_FILE: awsConfig, AWSBLOG_CONFIG_DIR: config, AWS_ENDPOINT_URL: moto().url, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    const { stdout } = await run("python3", ["-c", BOTO, "cognito"], { env });
    expect(JSON.parse(stdout)).toEqual({ accessKey: "TESTACCESSKEY12345", secretKey: "ABCSECRETKEY", token: "ABC12345", account: "123456789012" });
  });

  it("answers from the credentials cache while --min-remaining is left (no AWS call), --force asks again, logout drops it", async () => {
    const base = ["cognito", "credentials", "--identity-pool-id", identityPoolId, "--credential-process"];
    const first = recordingIdentity(moto().url);
    // moto's credentials last 90 s: with the default 15 minutes nothing would ever be reused.
    const fetched = await cli([...base, "--min-remaining", "30s", "--force"], { services: first.services });
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(first.calls.map((c) => c.name)).toEqual(["getId", "getCredentialsForIdentity"]);
    const cachedFiles = await readdir(join(config, "credentials"));
    expect(cachedFiles.filter((n) => n.startsWith("cognito-"))).toHaveLength(1);

    const again = recordingIdentity(moto().url);
    const cached = await cli([...base, "--min-remaining", "30s"], { services: again.services });
    expect(cached.code, cached.stderr).toBe(0);
    expect(cached.stdout).toBe(fetched.stdout);
    expect(again.calls).toEqual([]);

    const tooShort = await cli([...base, "--min-remaining", "5m"], { services: again.services });
    expect(tooShort.code, tooShort.stderr).toBe(0);
    expect(again.calls.map((c) => c.name)).toEqual(["getId", "getCredentialsForIdentity"]);

    const logout = await cli(["cognito", "logout"]);
    expect(logout.code, logout.stderr).toBe(0);
    expect((await readdir(join(config, "credentials"))).filter((n) => n.startsWith("cognito-"))).toEqual([]);
    const bad = await cli([...base, "--min-remaining", "forever"]);
    expect(bad.code).toBe(2);
  });

  it("five credential_process runs at once share one exchange (the lock), and all print the same credentials", async () => {
    // The test before logged out.
    const login = await cli(["cognito", "login", "--client-id", pool.clientId, "--username", "ivy", "--user-pool-id", pool.poolId, "--flow", "password"], { env: { AWSBLOG_PASSWORD: PASSWORD } });
    expect(login.code, login.stderr).toBe(0);
    const identity = recordingIdentity(moto().url);
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => cli(["cognito", "credentials", "--identity-pool-id", identityPoolId, "--credential-process", "--min-remaining", "30s"], { services: identity.services })),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    expect(identity.calls.map((c) => c.name)).toEqual(["getId", "getCredentialsForIdentity"]);
  });

  it("refuses a malformed pool id, both outputs at once, and a bad role ARN before any call", async () => {
    const identity = recordingIdentity(moto().url);
    for (const [args, message] of [
      [["--identity-pool-id", "blog_readers"], /is not an identity pool id/],
      [["--identity-pool-id", identityPoolId, "--write-profile", "p", "--credential-process"], /exclude each other/],
      [["--identity-pool-id", identityPoolId, "--custom-role-arn", "readers"], /is not a role ARN/],
      [["--identity-pool-id", identityPoolId, "--write-profile", "a b"], /not usable in the credentials file/],
    ] as const) {
      const out = await cli(["cognito", "credentials", ...args], { services: identity.services });
      expect(out.code, args.join(" ")).toBe(2);
      expect(out.stderr).toMatch(message);
    }
    expect(identity.calls).toEqual([]);
  });
});
