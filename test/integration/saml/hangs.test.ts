import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { makeSigningKey, samlResponse } from "../../../doubles/saml/signer.js";

/** Every run ends: an endpoint that accepts the connection and never answers. */
const key = makeSigningKey();
let silent: Server;
let url: string;
const sockets: Socket[] = [];
let connections = 0;
let onConnection: (() => void) | undefined;

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.push(socket);
    connections++;
    onConnection?.();
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(() => {
  sockets.forEach((s) => s.destroy());
  silent.close();
});

const env = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWSBLOG_SAML_TIMEOUT: "1", AWSBLOG_PASSWORD: "p", AWSBLOG_CONFIG_DIR: join(tmpdir(), `awsblog-saml-hangs-${process.pid}`) };

describe("a silent endpoint", () => {
  // AWS calls are bounded by the global flags like every other (AWSBLOG_SAML_TIMEOUT is for the IdP).
  it("STS AssumeRoleWithSAML gives up within --cli-read-timeout: exit 1 naming the operation, attempts and time", async () => {
    const before = connections;
    const result = await awsblog(["--endpoint-url", url, "--cli-read-timeout", "0.3", "saml", "login", "--saml-response", samlResponse({ key, now: new Date() })], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: no answer from STS AssumeRoleWithSAML after 2 attempts, [0-9.]+ s — check --endpoint-url and your network, or raise --cli-read-timeout \(0 = no limit\)\n$/);
    expect(connections - before).toBe(2);
  });

  it("Cognito Identity GetId gives up too", async () => {
    const args = ["--endpoint-url", url, "--cli-read-timeout", "0.3", "saml", "login", "--saml-response", samlResponse({ key, now: new Date() }), "--identity-pool-id", "us-east-1:0c4e2f3a-1111-2222-3333-444455556666"];
    const result = await awsblog(args, { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: no answer from CognitoIdentity GetId after 2 attempts, [0-9.]+ s — /);
  });

  it("the IdP gives up too (AWSBLOG_SAML_TIMEOUT sets its limit when --cli-read-timeout is not given)", async () => {
    const result = await awsblog(["saml", "roles", "--idp-url", `${url}/adfs/ls/`, "--username", "x"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: the IdP did not answer within 1 s \(http:\/\/127.0.0.1:\d+\/adfs\/ls\/\) — check --idp-url/);
  });

  it("--cli-read-timeout bounds the IdP too, and wins over AWSBLOG_SAML_TIMEOUT: connect + read", async () => {
    const result = await awsblog(["saml", "roles", "--idp-url", `${url}/adfs/ls/`, "--username", "x", "--cli-read-timeout", "0.4", "--cli-connect-timeout", "0.2"], {
      env: { ...env, AWSBLOG_SAML_TIMEOUT: "600" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: the IdP did not answer within 0\.6 s /);
  });
});

describe("an IdP that drips its page a byte at a time", () => {
  it("is cut off by one total deadline (a per-read timeout would restart with every byte)", async () => {
    const { createServer: createHttpServer } = await import("node:http");
    const timers = new Set<NodeJS.Timeout>();
    let bytes = 0;
    const dripping = createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      const timer = setInterval(() => {
        bytes++;
        res.write("<");
      }, 50);
      timers.add(timer);
      res.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => dripping.listen(0, "127.0.0.1", resolve));
    const idp = `http://127.0.0.1:${(dripping.address() as AddressInfo).port}/adfs/ls/`;
    try {
      const result = await awsblog(["saml", "login", "--idp-url", idp, "--username", "x", "--cli-read-timeout", "1", "--cli-connect-timeout", "0.5"], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^awsblog: the IdP did not answer within 1\.5 s \(http:\/\/127\.0\.0\.1:\d+\/adfs\/ls\/\) — /);
      expect(bytes).toBeGreaterThan(5); // it was answering, slowly
    } finally {
      timers.forEach(clearInterval);
      dripping.closeAllConnections();
      dripping.close();
    }
  });

  it("Ctrl-C during the STS call: exit 130", async () => {
    const before = connections;
    const connected = new Promise<void>((resolve) => (onConnection = () => connections > before && resolve()));
    const ctrlC = interrupts();
    const running = awsblog(["--endpoint-url", url, "saml", "login", "--saml-response", samlResponse({ key, now: new Date() })], {
      env: { ...env, AWSBLOG_SAML_TIMEOUT: "60" }, // the default read timeout (60 s) bounds STS
      interrupts: ctrlC,
    });
    await connected;
    ctrlC.interrupt();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted/);
  });
});
