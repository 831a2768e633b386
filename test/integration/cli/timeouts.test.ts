import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import yazl from "yazl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { startHungEndpoint, type HungEndpoint } from "./hung-endpoint.js";

/**
 * Every AWS-calling command against an endpoint that accepts the connection and never
 * answers must end: exit 1, one line naming the service and operation. Before the
 * timeouts, 18 of 19 commands were still waiting after 120 s.
 */
const dir = mkdtempSync(join(tmpdir(), "awsblog-timeouts-"));
const rules = join(dir, "rules.json");
writeFileSync(rules, JSON.stringify([{ RuleId: 1, TagKey: "Team", Action: "Update", Required: "Y", Default: "web" }]));
const zipPath = join(dir, "fn.zip");

async function writeZip(): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from("exports.handler = async () => 1;\n"), "index.js", { mtime: new Date(0) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  writeFileSync(zipPath, Buffer.concat(chunks));
}

let hung: HungEndpoint;
beforeAll(async () => {
  hung = await startHungEndpoint();
  await writeZip();
});
afterAll(() => hung?.close());

const queue = () => `${hung.url}/123456789012/dlq`;
const CASES: [string[], RegExp][] = [
  [["approve", "--token", "t"], /StepFunctions SendTaskSuccess/],
  [["reject", "--token", "t"], /StepFunctions SendTaskFailure/],
  [["heartbeat", "--token", "t"], /StepFunctions SendTaskHeartbeat/],
  [["approval", "start", "--state-machine-arn", "arn:aws:states:us-east-1:123456789012:stateMachine:x"], /StepFunctions StartExecution/],
  [["tags", "scan", "--policy", rules], /EC2 DescribeInstances/],
  [["tags", "enforce", "--policy", rules, "--dry-run"], /EC2 DescribeInstances/],
  [["cognito", "signup", "--client-id", "c", "--username", "u"], /Cognito SignUp/],
  [["cognito", "confirm", "--client-id", "c", "--username", "u", "--code", "123456"], /Cognito ConfirmSignUp/],
  [["cognito", "resend-code", "--client-id", "c", "--username", "u"], /Cognito ResendConfirmationCode/],
  [["cognito", "login", "--client-id", "c", "--username", "u", "--flow", "password"], /Cognito InitiateAuth/],
  [["cognito", "login", "--client-id", "c", "--username", "u", "--user-pool-id", "us-east-1_abc"], /Cognito InitiateAuth/],
  [["dlq", "redrive", "--queue-url", "QUEUE", "--to", "QUEUE2"], /SQS GetQueueAttributes/],
  [["dlq", "redrive", "--queue-url", "QUEUE", "--invoke", "f"], /SQS GetQueueAttributes/],
  [["tags", "enforce", "--policy", rules], /EC2 DescribeInstances/],
  [["dlq", "inspect", "--queue-url", "QUEUE"], /SQS GetQueueAttributes/],
  [["dlq", "configure", "--function", "f", "--remove"], /Lambda GetFunctionConfiguration/],
  [["pipeline", "status", "p"], /CodePipeline GetPipelineState/],
  [["approve", "--pipeline", "p"], /CodePipeline GetPipeline/],
  [["deploy", "--zip", zipPath, "--function-name", "f", "--no-verify"], /Lambda GetFunctionConfiguration/],
];

describe("a never-answering endpoint: every AWS command ends within its timeouts", () => {
  for (const [args, names] of CASES) {
    // CodePipeline's client makes one attempt (its callers pace and retry, but not a call
    // that got no answer); every other client retries a timeout once, not five times.
    const attempts = names.source.startsWith("CodePipeline") ? 1 : 2;
    it(`${args.slice(0, 2).join(" ")} → exit 1 naming ${names.source}, after ${attempts} attempt(s)`, async () => {
      const argv = args.map((arg) => (arg === "QUEUE" ? queue() : arg === "QUEUE2" ? `${queue()}2` : arg));
      const before = hung.received.length;
      const connections = hung.connections;
      const started = Date.now();
      const run = await awsblog([...argv, "--endpoint-url", hung.url, "--cli-read-timeout", "0.2", "--cli-connect-timeout", "5"], {
        env: { AWSBLOG_CONFIG_DIR: dir, AWSBLOG_PASSWORD: "pw" },
      });
      const took = Date.now() - started;
      expect(run.code, run.stderr).toBe(1);
      const plural = attempts === 1 ? "attempt" : "attempts";
      expect(run.stderr).toMatch(new RegExp(`^awsblog: no answer from ${names.source} after ${attempts} ${plural}, [0-9.]+ s — .*--cli-read-timeout.*\\n$`));
      expect(hung.received.length).toBeGreaterThan(before); // the request really went there
      // Each attempt opens its own connection (a timed-out one is closed): the listener counts them.
      expect(hung.connections - connections).toBe(attempts);
      // 2 attempts × 0.2 s plus backoff and start-up (much more on a busy machine): far from "forever".
      expect(took).toBeLessThan(60_000);
    }, 90_000);
  }

  it("the call's total bound cuts the retry short: read 1 s, connect 0.1 s → ends at 1.6 s (connect + read + read/2)", async () => {
    const connections = hung.connections;
    const run = await awsblog(["approve", "--token", "t", "--endpoint-url", hung.url, "--cli-read-timeout", "1", "--cli-connect-timeout", "0.1"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: no answer from StepFunctions SendTaskSuccess after 2 attempts, (1\.[5-9]|[2-4](\.\d)?) s — /); // 1.6 s, later on a busy machine
    expect(hung.connections - connections).toBe(2);
  }, 20_000);

  it("AWS_MAX_ATTEMPTS still sets the attempts for throttling and 5xx answers (timeouts stay at two)", async () => {
    const { createServer } = await import("node:http");
    let requests = 0;
    let answer = { status: 500, type: "InternalServerError" };
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(answer.status, { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": answer.type });
      res.end(JSON.stringify({ __type: answer.type, message: "try again" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const serverError = await awsblog(["approve", "--token", "t", "--endpoint-url", url], { env: { AWS_MAX_ATTEMPTS: "4" } });
      expect(serverError.code).toBe(1);
      expect(serverError.stderr).toMatch(/^awsblog: StepFunctions SendTaskSuccess failed: InternalServerError/);
      expect(requests).toBe(4);

      requests = 0;
      answer = { status: 400, type: "ThrottlingException" };
      const throttled = await awsblog(["approve", "--token", "t", "--endpoint-url", url], { env: { AWS_MAX_ATTEMPTS: "3" } });
      expect(throttled.code).toBe(1);
      expect(throttled.stderr).toMatch(/^awsblog: StepFunctions SendTaskSuccess failed: ThrottlingException/);
      expect(requests).toBe(3);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 30_000);

  it("the SDK's own 'exceeded requestTimeout' warning is not printed: it is an error now", async () => {
    const run = await awsblog(["approve", "--token", "t", "--endpoint-url", hung.url, "--cli-read-timeout", "0.2"]);
    expect(run.stderr).not.toMatch(/node-http-handler/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  }, 20_000);

  it("an endpoint that never completes the connection: --cli-connect-timeout ends it", async () => {
    const holder = spawn("python3", [fileURLToPath(new URL("./full-backlog.py", import.meta.url))], { stdio: ["pipe", "pipe", "inherit"] });
    try {
      const port = await new Promise<string>((resolve) => holder.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim())));
      const started = Date.now();
      const run = await awsblog(["heartbeat", "--token", "t", "--endpoint-url", `http://127.0.0.1:${port}`, "--cli-connect-timeout", "0.3"], {
        env: { AWS_MAX_ATTEMPTS: "2" },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^awsblog: no connection to the endpoint of StepFunctions SendTaskHeartbeat after 2 attempts, [0-9.]+ s — .*--cli-connect-timeout\n$/);
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      holder.stdin.end();
      holder.kill();
    }
  }, 20_000);

  it("AWS_MAX_ATTEMPTS=1: one attempt, so the timeout ends the call at once", async () => {
    const before = hung.connections;
    const started = Date.now();
    const run = await awsblog(["approve", "--token", "t", "--endpoint-url", hung.url, "--cli-read-timeout", "0.3"], { env: { AWS_MAX_ATTEMPTS: "1" } });
    expect(run.code).toBe(1);
    expect(hung.connections - before).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  }, 20_000);

  it("--cli-read-timeout and --cli-connect-timeout take seconds ≥ 0; anything else is exit 2", async () => {
    for (const bad of ["-1", "abc", "1e3", ""]) {
      const run = await awsblog(["approve", "--token", "t", "--cli-read-timeout", bad]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^awsblog: --cli-read-timeout must be a number of seconds from 0 to 86400, got .* — e\.g\. --cli-read-timeout 30/);
    }
    const connect = await awsblog(["approve", "--token", "t", "--cli-connect-timeout", "x"]);
    expect(connect.code).toBe(2);
  });
});

describe("long polls are excepted by design", () => {
  it("an SQS ReceiveMessage held 1.5 s by the server outlives --cli-read-timeout 0.3; GetQueueAttributes does not get that grace", async () => {
    const { createServer } = await import("node:http");
    const seen: string[] = [];
    let holdAttributes = false;
    const server = createServer((req, res) => {
      const target = String(req.headers["x-amz-target"] ?? "");
      seen.push(target);
      req.resume();
      const answer = (body: object) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify(body));
      };
      if (target.endsWith("ReceiveMessage")) setTimeout(() => answer({}), 1_500);
      else if (!holdAttributes) answer({ Attributes: {} });
      // else: never answer GetQueueAttributes
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const args = ["dlq", "inspect", "--queue-url", `${url}/123456789012/dlq`, "--endpoint-url", url, "--cli-read-timeout", "0.3", "-o", "json"];
      const run = await awsblog(args);
      expect(run.code, run.stderr).toBe(0);
      expect(seen).toContain("AmazonSQS.ReceiveMessage");
      expect(run.json()).toMatchObject({ messages: [] });

      holdAttributes = true;
      const started = Date.now();
      const held = await awsblog(args, { env: { AWS_MAX_ATTEMPTS: "1" } });
      expect(held.code).toBe(1);
      expect(held.stderr).toMatch(/^awsblog: no answer from SQS GetQueueAttributes after 1 attempt, 0\.[3-9] s — /);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 20_000);
});
