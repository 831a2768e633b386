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

const env = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWSBLOG_SAML_TIMEOUT: "1", AWSBLOG_PASSWORD: "p" };

describe("a silent endpoint", () => {
  it("STS AssumeRoleWithSAML gives up after AWSBLOG_SAML_TIMEOUT: exit 1 naming the operation", async () => {
    const result = await awsblog(["--endpoint-url", url, "saml", "login", "--saml-response", samlResponse({ key, now: new Date() })], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("awsblog: STS AssumeRoleWithSAML: no answer within 1 s — check your network and --endpoint-url (AWSBLOG_SAML_TIMEOUT sets the limit)\n");
  });

  it("Cognito Identity GetId gives up too", async () => {
    const result = await awsblog(["--endpoint-url", url, "saml", "login", "--saml-response", samlResponse({ key, now: new Date() }), "--identity-pool-id", "us-east-1:0c4e2f3a-1111-2222-3333-444455556666"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: Cognito Identity GetId: no answer within 1 s — /);
  });

  it("the IdP gives up too", async () => {
    const result = await awsblog(["saml", "roles", "--idp-url", `${url}/adfs/ls/`, "--username", "x"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: the IdP did not answer within 1 s \(http:\/\/127.0.0.1:\d+\/adfs\/ls\/\) — check --idp-url/);
  });

  it("Ctrl-C during the STS call: exit 130", async () => {
    const before = connections;
    const connected = new Promise<void>((resolve) => (onConnection = () => connections > before && resolve()));
    const ctrlC = interrupts();
    const running = awsblog(["--endpoint-url", url, "saml", "login", "--saml-response", samlResponse({ key, now: new Date() })], {
      env: { ...env, AWSBLOG_SAML_TIMEOUT: "60" },
      interrupts: ctrlC,
    });
    await connected;
    ctrlC.interrupt();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted/);
  });
});
