import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type ExplicitAuthFlowsType,
} from "@aws-sdk/client-cognito-identity-provider";
import { createHmac } from "node:crypto";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCognitoApi, type CognitoApi } from "../../../src/lib/aws/cognito.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import type { Services } from "../../../src/lib/services.js";
import { motoClientConfig } from "../../helpers/moto.js";

/** Arranging state in moto for the Cognito CLI tests. */
export function sdk(url: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient(motoClientConfig(url));
}

const ALL_FLOWS: ExplicitAuthFlowsType[] = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

export interface Pool {
  poolId: string;
  clientId: string;
  clientSecret?: string;
}

export async function createPool(
  client: CognitoIdentityProviderClient,
  options: { emailAsUsername?: boolean; secret?: boolean; mfa?: "OFF" | "OPTIONAL" | "ON" } = {},
): Promise<Pool> {
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: `p${Math.random().toString(36).slice(2, 8)}`,
      UsernameAttributes: options.emailAsUsername ? ["email"] : undefined,
      MfaConfiguration: options.mfa,
    }),
  );
  const poolId = pool.UserPool!.Id!;
  const app = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "cli", GenerateSecret: options.secret, ExplicitAuthFlows: ALL_FLOWS }),
  );
  return { poolId, clientId: app.UserPoolClient!.ClientId!, clientSecret: app.UserPoolClient!.ClientSecret };
}

export async function adminConfirm(client: CognitoIdentityProviderClient, poolId: string, username: string): Promise<void> {
  await client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }));
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) from a base32 secret, as authenticator apps compute it. */
export function totp(base32Secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of base32Secret.toUpperCase().replace(/=+$/, "")) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, "0");
}

export async function tempConfigDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "awsblog-cognito-"));
}

/** The one cached entry file in a config dir (tests that log in once). */
export async function cachedEntries(configDir: string): Promise<{ file: string; entry: Record<string, unknown> }[]> {
  const dir = join(configDir, "cognito");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".json"));
  return Promise.all(names.map(async (n) => ({ file: join(dir, n), entry: JSON.parse(await readFile(join(dir, n), "utf8")) })));
}

export async function expireAll(configDir: string): Promise<void> {
  for (const { file, entry } of await cachedEntries(configDir)) {
    await writeFile(file, JSON.stringify({ ...entry, expiresAt: "2000-01-01T00:00:00.000Z" }), { mode: 0o600 });
  }
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A stand-in for API Gateway with a Cognito authorizer: 401 unless Authorization is the expected token. */
export async function fakeApi(expectedToken: () => string): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (req.url === "/forbidden") {
        res.writeHead(403, { "content-type": "application/json" }).end('{"message":"User is not authorized"}');
      } else if (req.headers.authorization !== expectedToken()) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"message":"Unauthorized"}');
      } else {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ message: "Hello, John Doe!", method: req.method, body }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The real Cognito API against moto, recording each operation the CLI calls: hand `services`
 * to awsblog() and read `calls` (what AWSBLOG_STATS_FILE counts for a child process).
 */
export function recordingCognito(url: string): { services: Partial<Services>; calls: string[] } {
  const calls: string[] = [];
  const services: Partial<Services> = {
    async cognito(poolRegion) {
      const aws = createAwsClientFactory({ region: poolRegion ?? "us-east-1", endpointUrl: url, userAgent: { name: "awsblog-test", version: "0" } });
      const api = await createCognitoApi(aws, { signal: new AbortController().signal });
      return new Proxy(api, {
        get(target, name) {
          const method = target[name as keyof CognitoApi] as ((...args: unknown[]) => Promise<unknown>) | undefined;
          if (typeof method !== "function") return method; // e.g. `then`, probed by await
          return (...args: unknown[]) => {
            calls.push(String(name));
            return method.apply(target, args);
          };
        },
      });
    },
  };
  return { services, calls };
}
