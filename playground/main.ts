import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { samlResponse } from "../doubles/saml/signer.js";
import { exportLines, type Exports } from "./exports.js";
import { seedDoubles } from "./seed-doubles.js";
import { COGNITO_PASSWORD, COGNITO_USER, RULES, seedMoto } from "./seed-moto.js";
import { SAML_PASSWORD, SAML_USER, startServers } from "./servers.js";

/**
 * `npm run playground`: moto_server and the repository's doubles on loopback, a small seeded
 * world, and the `export` lines that point awsblog at it. Stays up until Ctrl-C (SIGINT) or
 * SIGTERM, then stops every server and removes its directory.
 *
 *   npm run playground [-- --dir <path>]     (default: a new directory under $TMPDIR)
 */
const args = process.argv.slice(2);
const dirFlag = args.indexOf("--dir");
if (args.includes("--help") || (dirFlag >= 0 && !args[dirFlag + 1])) {
  process.stderr.write("usage: npm run playground [-- --dir <path>]\n");
  process.exit(args.includes("--help") ? 0 : 2);
}
const ownDir = dirFlag < 0;
const dir = ownDir ? mkdtempSync(join(tmpdir(), "awsblog-playground-")) : resolve(args[dirFlag + 1]!);
const say = (line: string) => process.stderr.write(`${line}\n`);

let stopping: Promise<void> | undefined;
let stopServers: () => Promise<void> = async () => {};
function stop(signal: string): void {
  if (stopping) return;
  say(`playground: ${signal}, stopping…`);
  stopping = stopServers().finally(() => {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    say("playground: stopped");
    process.exit(0);
  });
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));

try {
  say("playground: starting moto_server and the doubles…");
  const t0 = Date.now();
  const servers = await startServers();
  const t1 = Date.now();
  stopServers = servers.stop;
  if (stopping) await stopping;
  const [moto, doubles] = await Promise.all([seedMoto(servers.moto.url, servers.apiUrl), seedDoubles(servers)]);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const took = `servers ${seconds(t1 - t0)}, seeding ${seconds(Date.now() - t1)}`;

  mkdirSync(join(dir, "aws"), { recursive: true });
  mkdirSync(join(dir, "config"), { recursive: true });
  writeFileSync(join(dir, "aws", "config"), "[default]\nregion = us-east-1\n");
  writeFileSync(join(dir, "aws", "credentials"), "");
  writeFileSync(join(dir, "rules.yaml"), RULES.map((r) => `- ${JSON.stringify(r).replace(/"(\w+)":/g, "$1: ")}`).join("\n") + "\n");
  // A fresh signed SAMLResponse, for `saml login --saml-response @response.b64` (valid 5 minutes).
  writeFileSync(join(dir, "response.b64"), samlResponse({ key: servers.saml.key, now: new Date(), roles: servers.saml.roles, sessionDuration: 3600 }));

  const exports: Exports = {
    AWS_ENDPOINT_URL: servers.moto.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: servers.cloudTrail.url,
    AWS_ENDPOINT_URL_CODEPIPELINE: servers.codePipeline.url,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: servers.cognitoUrl,
    AWS_ENDPOINT_URL_SFN: servers.stepFunctions.url,
    AWS_ENDPOINT_URL_STS: servers.stsUrl,
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_CONFIG_FILE: join(dir, "aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws", "credentials"),
    AWSBLOG_CONFIG_DIR: join(dir, "config"),
    AWSBLOG_PLAYGROUND: dir,
    DLQ: moto.dlqUrl,
    DLQ_URL: moto.dlqUrl, // the name the README's --query example uses
    WORK_QUEUE: moto.workQueueUrl,
    VPC_ID: doubles.vpcId,
    USER_POOL_ID: moto.userPoolId,
    CLIENT_ID: moto.clientId,
    API_URL: servers.apiUrl,
    TOPIC_ARN: moto.topicArn,
    SM_ARN: doubles.stateMachineArn,
    ACTIVITY_ARN: doubles.activityArn,
    TASK_TOKEN: doubles.taskToken,
    ADFS: servers.idp.adfsUrl,
    ADFS_URL: servers.idp.adfsUrl, // the name `saml --help` and docs/saml.md use
  };
  const lines = exportLines(exports, resolve(dirname(process.argv[1] ?? "playground/main.ts"), ".."));
  writeFileSync(join(dir, "env.sh"), lines.join("\n") + "\n");
  process.stdout.write(lines.join("\n") + "\n");
  say(
    [
      "",
      `playground: ready (${took}) — moto_server (pid ${servers.moto.pid}) at ${servers.moto.url}; doubles for CloudTrail, CodePipeline,`,
      "  Step Functions activities, an AD FS-like IdP and a SAML-checking STS, all on 127.0.0.1.",
      `In another shell:   . ${join(dir, "env.sh")}   then   cd "$AWSBLOG_PLAYGROUND"   (rules.yaml, response.b64)`,
      `  Cognito user ${COGNITO_USER}, password ${COGNITO_PASSWORD}; IdP user ${SAML_USER}, password ${SAML_PASSWORD}.`,
      "  The README's walkthroughs run as written. Ctrl-C here stops everything.",
    ].join("\n"),
  );
} catch (error) {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
  const hint = /moto_server/.test(message) ? ` — is moto_server on the PATH? (pip install "moto[server]", or AWSBLOG_MOTO_SERVER=<path>)` : "";
  say(`playground: could not start: ${message}${hint}`);
  await stopServers();
  if (ownDir) rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
