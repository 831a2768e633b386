import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { cognitoRouter, stsRouter } from "./routers.js";
import { listenLoopback, readBody } from "../doubles/aws-json.js";
import { startCloudTrailDouble, type CloudTrailDouble } from "../doubles/cloudtrail.js";
import { startCodePipelineDouble, type CodePipelineDouble } from "../doubles/codepipeline/index.js";
import { startMoto, type Moto } from "../doubles/moto-server.js";
import { startTestIdp, type TestIdp } from "../doubles/saml/idp.js";
import { makeSigningKey, providerArn, roleArn, type SigningKey } from "../doubles/saml/signer.js";
import { startStsDouble } from "../doubles/saml/sts.js";
import { startActivityDouble, type ActivityDouble } from "../doubles/sfn-activities.js";

/** Every server of the playground, all on 127.0.0.1, and how to stop them all. */
export interface Servers {
  moto: Moto;
  cloudTrail: CloudTrailDouble;
  stepFunctions: ActivityDouble;
  codePipeline: CodePipelineDouble;
  idp: TestIdp;
  saml: { key: SigningKey; roles: string[] };
  /** STS: AssumeRoleWithSAML to the SAML-checking double, every other action to moto. */
  stsUrl: string;
  /** Cognito user pools: moto, behind a proxy that puts its SRP challenge right (routers.ts). */
  cognitoUrl: string;
  /** An API behind a Cognito authorizer, for `cognito call`. */
  apiUrl: string;
  stop(): Promise<void>;
}

export const SAML_USER = "EXAMPLE\\jane";
export const SAML_PASSWORD = "demo";
const PROD_ACCOUNT = "210987654321";

export async function startServers(): Promise<Servers> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const moto = await startMoto();
    stops.push(() => moto.stop());
    const cloudTrail = await startCloudTrailDouble();
    stops.push(() => cloudTrail.stop());
    // An empty poll waits as AWS's does (the worker's loop is paced by it), up to 20 s here.
    const stepFunctions = await startActivityDouble({ longPollMs: 20_000 });
    stops.push(() => stepFunctions.close());
    // Ordinary actions take 5 s of the double's clock, which a timer moves with the wall clock;
    // the clock starts 40 minutes back so the seeded run has a history.
    const codePipeline = await startCodePipelineDouble({ actionMs: 5000, startAt: Date.now() - 40 * 60_000 });
    const ticker = setInterval(() => codePipeline.clock.advance(1000), 1000);
    stops.push(async () => {
      clearInterval(ticker);
      await codePipeline.stop();
    });

    const key = makeSigningKey();
    const roles = [`${roleArn("ADFS-Dev")},${providerArn()}`, `${providerArn(PROD_ACCOUNT)},${roleArn("ADFS-Prod", PROD_ACCOUNT)}`];
    const idp = await startTestIdp({ key, users: { [SAML_USER]: SAML_PASSWORD }, roles, now: () => new Date() });
    stops.push(() => idp.stop());
    const sts = await startStsDouble({
      providers: { [providerArn()]: key.publicKey, [providerArn(PROD_ACCOUNT)]: key.publicKey },
      roles: {
        [roleArn("ADFS-Dev")]: { trusts: [providerArn()], maxSessionDuration: 43_200 },
        [roleArn("ADFS-Prod", PROD_ACCOUNT)]: { trusts: [providerArn(PROD_ACCOUNT)], maxSessionDuration: 3600 },
      },
      now: () => new Date(),
    });
    stops.push(() => sts.stop());
    const stsProxy = await listenLoopback(createServer(stsRouter(sts.url, moto.url)));
    stops.push(() => stsProxy.stop());
    const cognitoProxy = await listenLoopback(createServer(cognitoRouter(moto.url)));
    stops.push(() => cognitoProxy.stop());
    const api = await listenLoopback(createServer(cognitoApi));
    stops.push(() => api.stop());

    return {
      moto,
      cloudTrail,
      stepFunctions,
      codePipeline,
      idp,
      saml: { key, roles },
      stsUrl: stsProxy.url,
      cognitoUrl: cognitoProxy.url,
      apiUrl: `${api.url}/prod/`,
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  await Promise.allSettled(stops.reverse().map((stop) => stop()));
}

/**
 * The post's API behind a Cognito user pool authorizer, reduced to what a caller sees: no
 * `Authorization` header, or not an ID token → 401 {"message":"Unauthorized"}; otherwise 200
 * with who called and what was sent. (The token's signature is not checked here.)
 */
function cognitoApi(req: IncomingMessage, res: ServerResponse): void {
  void readBody(req).then((body) => {
    const claims = decodeJwt(req.headers.authorization ?? "");
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    if (!claims || claims.token_use !== "id") return reply(401, { message: "Unauthorized" });
    reply(200, { message: `Hello ${String(claims["cognito:username"] ?? claims.sub)}`, method: req.method, path: req.url, body: body || undefined });
  });
}

function decodeJwt(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
