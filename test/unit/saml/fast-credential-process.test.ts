import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCredentialsCache } from "../../../src/lib/credentials-cache.js";
import { samlCacheKey } from "../../../src/lib/saml/cache-key.js";
import { answer } from "../../../src/lib/saml/fast-credential-process.js";

const NOW = new Date("2026-12-06T10:00:00Z");
const IDP = "https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices";

/** A config dir whose cache holds the entry `saml login` would have saved for these flags. */
async function cached(input: Parameters<typeof samlCacheKey>[0], minutesLeft = 60): Promise<NodeJS.ProcessEnv> {
  const env = { AWSBLOG_CONFIG_DIR: join(await mkdtemp(join(tmpdir(), "awsblog-fast-")), "cfg") };
  const expiration = new Date(NOW.getTime() + minutesLeft * 60_000).toISOString();
  await createCredentialsCache(env, "saml").save(samlCacheKey(input)!, [{ accessKeyId: "ASIAFAST", secretAccessKey: "s", sessionToken: "t", expiration }], NOW);
  return env;
}

describe("the credential_process fast path", () => {
  it("answers a hit with the Version 1 document, reading the flags as the CLI does (globals anywhere, --flag=value)", async () => {
    const env = await cached({ idpUrl: IDP, username: "jane", roleArn: "arn:aws:iam::1:role/R", endpointUrl: "http://127.0.0.1:9", duration: 7200 });
    const argv = ["--endpoint-url", "http://127.0.0.1:9", "saml", "login", `--idp-url=${IDP}`, "--username", "jane", "--role-arn", "arn:aws:iam::1:role/R", "--duration", "7200", "--credential-process", "-o", "json"];
    const doc = await answer(argv, env, NOW);
    expect(JSON.parse(doc!)).toEqual({ Version: 1, AccessKeyId: "ASIAFAST", SecretAccessKey: "s", SessionToken: "t", Expiration: "2026-12-06T11:00:00.000Z" });
    expect(doc!.endsWith("}\n")).toBe(true);
    // The user name from the environment, as the CLI takes it.
    expect(await answer(argv.filter((a, i) => a !== "--username" && argv[i - 1] !== "--username"), { ...env, AWSBLOG_SAML_USERNAME: "jane" }, NOW)).toBe(doc);
  });

  it("leaves everything else to the CLI: a miss, too little left, unknown or repeated flags, other commands", async () => {
    const env = await cached({ idpUrl: IDP, role: ["R"] }, 20);
    const base = ["saml", "login", "--idp-url", IDP, "--role", "R", "--credential-process"];
    expect(await answer(base, env, NOW)).toBeDefined();
    expect(await answer([...base, "--min-remaining", "30m"], env, NOW)).toBeUndefined();
    expect(await answer([...base, "--min-remaining", "soon"], env, NOW)).toBeUndefined(); // the CLI's exit 2
    for (const extra of [["--debug"], ["--force"], ["--write-profile", "x"], ["--role", "S"], ["--all-roles"], ["--idp-url", IDP], ["--duration", "1h"]]) {
      expect(await answer([...base, ...extra], env, NOW), extra.join(" ")).toBeUndefined();
    }
    expect(await answer(base.filter((a) => a !== "--credential-process"), env, NOW)).toBeUndefined();
    expect(await answer(["saml", "roles", ...base.slice(2)], env, NOW)).toBeUndefined();
    expect(await answer(["saml", "login", "--saml-response", "x", "--credential-process"], env, NOW)).toBeUndefined();
    expect(await answer([...base, "--username", "someone-else"], env, NOW)).toBeUndefined();
  });
});
