import { createHash } from "node:crypto";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOAuthDouble, type OAuthClient, type OAuthDouble } from "../../../doubles/cognito/oauth.js";
import { awsblog, interrupts, type InProcessOptions } from "../../helpers/in-process.js";
import { freePort } from "../../helpers/moto.js";
import { cachedEntries, tempConfigDir } from "./world.js";

/**
 * `cognito login --hosted-ui` (#23): authorization code + PKCE through a loopback redirect,
 * against a double of the hosted UI's /oauth2/authorize and /oauth2/token that checks the
 * client, the callback, the state round trip and the S256 verifier. The "browser" is a fetch
 * that follows the authorize redirect to our callback (or $BROWSER for --open).
 */
const POOL_ID = "us-east-1_HostedUi1";

/** The error line (the sign-in URL and the waiting line come before it). */
const lastLine = (stderr: string) => `${stderr.trimEnd().split("\n").at(-1)}\n`;

describe("cognito login --hosted-ui", () => {
  let double: OAuthDouble;
  let config: string;
  const client: OAuthClient = { clientId: "hostedclient1", callbackUrls: [], scopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"] };
  const secretClient: OAuthClient = { clientId: "secretclient1", clientSecret: "s3cr3t-client-secret", callbackUrls: [], scopes: ["openid"] };

  beforeAll(async () => {
    double = await startOAuthDouble({ poolId: POOL_ID, clients: [client, secretClient], user: { username: "hana", email: "hana@example.com", sub: "0b7c-hana" } });
    config = await tempConfigDir();
  });
  afterAll(async () => double?.stop());

  /** A free loopback port registered as the client's callback. */
  async function callback(target = client): Promise<{ listen: string; redirect: string }> {
    const port = await freePort();
    const redirect = `http://127.0.0.1:${port}/callback`;
    target.callbackUrls.push(redirect);
    return { listen: `127.0.0.1:${port}`, redirect };
  }

  /** Runs the login; `browser` gets the sign-in URL once it is printed. */
  function login(args: string[], browser?: (authorizeUrl: string) => Promise<unknown>, extra: InProcessOptions = {}) {
    let started = false;
    return awsblog(["cognito", "login", "--hosted-ui", double.url, ...args], {
      ...extra,
      env: { AWSBLOG_CONFIG_DIR: config, ...extra.env },
      onStderr: (text) => {
        const url = /Sign in at: (\S+)/.exec(text)?.[1];
        if (url && !started && browser) {
          started = true;
          void browser(url);
        }
      },
    });
  }

  /** Follows the authorize redirect to the callback, as a browser would; `tamper` edits the callback first. */
  async function browse(authorizeUrl: string, tamper?: (callbackUrl: URL) => Promise<void> | void): Promise<number> {
    const first = await fetch(authorizeUrl, { redirect: "manual" });
    const target = new URL(first.headers.get("location")!, authorizeUrl);
    await tamper?.(target);
    return (await fetch(target, { redirect: "manual" })).status;
  }

  it("--open: the browser signs in, the code is exchanged with the PKCE verifier, and the tokens are cached", async () => {
    const { listen, redirect } = await callback();
    const browser = join(config, "browser.mjs");
    await writeFile(browser, "#!/usr/bin/env node\nconst res = await fetch(process.argv[2]);\nprocess.exit(res.ok ? 0 : 1);\n");
    await chmod(browser, 0o755);
    const run = await login(["--client-id", client.clientId, "--listen", listen, "--open", "-o", "json"], undefined, { env: { BROWSER: browser } });
    expect(run.code, run.stderr).toBe(0);
    const tokens = double.issued.at(-1)!;
    expect(run.json()).toEqual({ idToken: tokens.idToken, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: expect.any(String), username: "hana" });

    const authorize = double.requests.find((r) => r.path === "/oauth2/authorize" && r.outcome === "redirect")!;
    const exchange = double.requests.find((r) => r.path === "/oauth2/token")!;
    expect(authorize.params).toMatchObject({ response_type: "code", client_id: client.clientId, redirect_uri: redirect, code_challenge_method: "S256", scope: "openid email profile aws.cognito.signin.user.admin" });
    expect(authorize.params.state).toMatch(/^[\w-]{22}$/);
    expect(exchange.outcome).toBe("tokens");
    expect(exchange.params).toMatchObject({ grant_type: "authorization_code", client_id: client.clientId, redirect_uri: redirect });
    expect(createHash("sha256").update(exchange.params.code_verifier!).digest("base64url")).toBe(authorize.params.code_challenge);
    expect(exchange.params.code_verifier).toMatch(/^[\w-]{43}$/);
    expect(run.stderr).not.toContain(exchange.params.code_verifier!);

    const entry = (await cachedEntries(config)).find((e) => e.entry.username === "hana")!.entry;
    expect(entry).toMatchObject({ clientId: client.clientId, userPoolId: POOL_ID, region: "us-east-1", idToken: tokens.idToken, refreshToken: tokens.refreshToken });
    const whoami = await awsblog(["cognito", "whoami", "-o", "json"], { env: { AWSBLOG_CONFIG_DIR: config } });
    expect(whoami.json()).toMatchObject({ username: "hana", claims: { email: "hana@example.com", "cognito:username": "hana" } });
  });

  it("a client with a secret authenticates with Basic at /oauth2/token; a wrong secret is invalid_client", async () => {
    const { listen } = await callback(secretClient);
    const base = ["--client-id", secretClient.clientId, "--listen", listen, "--scope", "openid"];
    const wrong = await login([...base, "--client-secret", "nope"], (url) => browse(url));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/awsblog: Cognito \/oauth2\/token refused the code: invalid_client — the app client has a secret: pass --client-secret/);
    const run = await login(base, (url) => browse(url), { env: { AWSBLOG_CLIENT_SECRET: secretClient.clientSecret } });
    expect(run.code, run.stderr).toBe(0);
    expect(double.requests.at(-1)!.authorization).toBe(`Basic ${Buffer.from(`${secretClient.clientId}:${secretClient.clientSecret}`).toString("base64")}`);
  });

  it("a callback whose state does not match is refused: nothing is exchanged or cached", async () => {
    const { listen } = await callback();
    const before = double.requests.length;
    let browsed: Promise<number> | undefined;
    const run = await login(["--client-id", client.clientId, "--listen", listen], (url) => (browsed = browse(url, (target) => target.searchParams.set("state", "forged-state"))));
    expect(run.code).toBe(1);
    expect(lastLine(run.stderr)).toBe("awsblog: the sign-in came back with a state that does not match (a request awsblog did not start) — run the login again; if it repeats, something else is calling the callback\n");
    expect(await browsed).toBe(400);
    expect(double.requests.slice(before).map((r) => r.path)).toEqual(["/oauth2/authorize"]);
  });

  it("an intercepted code is useless without the verifier, and the login then reports invalid_grant in one line", async () => {
    const { listen, redirect } = await callback();
    const run = await login(["--client-id", client.clientId, "--listen", listen], (url) =>
      browse(url, async (target) => {
        // Someone else redeems the code first, without the PKCE verifier.
        const stolen = await fetch(`${double.url}/oauth2/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "authorization_code", client_id: client.clientId, code: target.searchParams.get("code")!, redirect_uri: redirect, code_verifier: "x".repeat(43) }),
        });
        expect(stolen.status).toBe(400);
        expect(await stolen.json()).toEqual({ error: "invalid_grant" });
      }),
    );
    expect(run.code).toBe(1);
    expect(lastLine(run.stderr)).toBe("awsblog: Cognito /oauth2/token refused the code: invalid_grant — the code was used, expired, or does not match this login: run the login again\n");
  });

  it("the user cancelling at the hosted UI (error=access_denied) is one line, exit 1", async () => {
    const { listen } = await callback();
    double.denyNext();
    const run = await login(["--client-id", client.clientId, "--listen", listen], (url) => browse(url));
    expect(run.code).toBe(1);
    expect(lastLine(run.stderr)).toBe("awsblog: the hosted UI refused the sign-in: access_denied (User cancelled the sign-in) — the sign-in was cancelled or denied: run the login again\n");
  });

  it("Ctrl-C while waiting for the browser exits 130 and frees the port; --listen-timeout ends the wait with exit 1", async () => {
    const { listen } = await callback();
    const signals = interrupts();
    const pending = login(["--client-id", client.clientId, "--listen", listen], async () => signals.interrupt(), { interrupts: signals });
    const run = await pending;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/interrupted while waiting for the hosted UI sign-in/);
    const again = await login(["--client-id", client.clientId, "--listen", listen, "--listen-timeout", "1"]);
    expect(again.code).toBe(1);
    expect(lastLine(again.stderr)).toMatch(/^awsblog: no sign-in came back to http:\/\/127\.0\.0\.1:\d+\/callback within 1 s — .*--listen-timeout\n$/);
  });

  it("refuses, before listening, a non-https domain, a domain with a path, and password-login flags", async () => {
    for (const [args, message] of [
      [["--hosted-ui", "http://auth.example.com"], /--hosted-ui must be https/],
      [["--hosted-ui", "https://auth.example.com/login"], /has more than a domain/],
      [["--hosted-ui", "auth.example.com", "--username", "u"], /--username does not apply to --hosted-ui/],
      [["--hosted-ui", "auth.example.com", "--listen", ":80"], /empty host/],
      [["--hosted-ui", "auth.example.com", "--scope", "open id"], /not an OAuth scope/],
      [["--username", "u", "--open"], /--open applies only to --hosted-ui/],
    ] as const) {
      const run = await awsblog(["cognito", "login", "--client-id", "abc", ...args], { env: { AWSBLOG_CONFIG_DIR: config } });
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.split("\n")).toHaveLength(2);
    }
  });
});
