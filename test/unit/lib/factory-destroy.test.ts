import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";

/**
 * A finished org-run target closes its clients: the keep-alive socket each one holds goes
 * with them, instead of thousands of idle sockets waiting for AWS to drop them.
 */
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/ops</Arn><UserId>AIDA</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;

async function stsDouble() {
  const open = new Set<Socket>();
  const closed: Promise<void>[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "text/xml" }).end(IDENTITY));
  });
  server.keepAliveTimeout = 60_000; // like AWS: idle sockets stay until the client closes them
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    closed.push(new Promise((resolve) => socket.on("close", () => (open.delete(socket), resolve()))));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, open, closed };
}

describe("AwsClientFactory.destroy", () => {
  it("closes the sockets of the clients a derived factory built; the parent's stay usable", async () => {
    const sts = await stsDouble();
    const env = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
    const root = createAwsClientFactory({ region: "us-east-1", endpointUrl: sts.url, env, userAgent: { name: "awsblog", version: "test" } });
    const target = root.derive({ region: "eu-west-1" });
    const client = await target.client(STSClient);
    expect((await client.send(new GetCallerIdentityCommand({}))).Account).toBe("111111111111");
    expect(sts.open.size).toBe(1); // kept alive after the answer

    target.destroy();
    await Promise.all(sts.closed);
    expect(sts.open.size).toBe(0);
    // The target's calls still count in the run's map; the run's own clients are untouched.
    expect(root.calls.get("STS.GetCallerIdentity")).toBe(1);
    expect((await (await root.client(STSClient)).send(new GetCallerIdentityCommand({}))).Account).toBe("111111111111");
    root.destroy();
  });
});
