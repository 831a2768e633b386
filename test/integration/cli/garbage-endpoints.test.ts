import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { makeSigningKey, samlResponse } from "../../../doubles/saml/signer.js";

/**
 * An endpoint that answers, but not as AWS would: another protocol on the port, an HTML
 * outage page, a body that is not JSON/XML, numbers that are not numbers. Every such failure
 * is one line naming the service and operation, with a hint, whatever the service's protocol
 * (Step Functions JSON, STS query/XML, EC2 XML, CodePipeline JSON) — no parser's or Node's
 * message as the "what failed", no "rerun with --debug".
 */
const dir = mkdtempSync(join(tmpdir(), "awsblog-garbage-"));
const rules = join(dir, "rules.json");
writeFileSync(rules, JSON.stringify([{ RuleId: 1, TagKey: "Team", Action: "Update", Required: "Y", Default: "web" }]));
const key = makeSigningKey();

type Answer = "not-http" | "html-200" | "html-500" | "bad-json" | "wrong-types";
let answer: Answer = "not-http";
let server: Server;
let url = "";
const sockets = new Set<Socket>();

function reply(socket: Socket): void {
  if (answer === "not-http") return void socket.end("SSH-2.0-OpenSSH_9.6\r\n\r\n");
  const [status, type, body] =
    answer === "html-200" ? [200, "text/html", "<!doctype html><html><head><title>Sign in</title></head><body><h1>Corporate proxy</h1><p>Sign in first.</p></body></html>"]
    : answer === "html-500" ? [500, "text/html", "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"]
    : answer === "bad-json" ? [200, "application/x-amz-json-1.1", "{not json"]
    : [200, "application/x-amz-json-1.1", JSON.stringify({ pipelines: [{ name: "p", created: "yesterday", version: "x" }] })];
  socket.end(`HTTP/1.1 ${status} X\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.once("data", () => reply(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  sockets.forEach((s) => s.destroy());
  server.close();
});

const env = { AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
const COMMANDS: [string, () => string[], string][] = [
  ["approve (Step Functions, JSON)", () => ["approve", "--token", "t"], "StepFunctions SendTaskSuccess"],
  ["saml login (STS, query/XML)", () => ["saml", "login", "--saml-response", samlResponse({ key, now: new Date() })], "STS AssumeRoleWithSAML"],
  ["tags scan (EC2, XML)", () => ["tags", "scan", "--policy", rules], "EC2 DescribeInstances"],
  ["pipeline approvals (CodePipeline, JSON)", () => ["pipeline", "approvals"], "CodePipeline ListPipelines"],
];
const CASES: [Answer, (target: string) => RegExp][] = [
  ["not-http", (t) => new RegExp(`^awsblog: ${t}: the endpoint did not answer in HTTP \\(Parse Error: Expected HTTP/.*\\) — check --endpoint-url: the scheme`)],
  ["html-500", (t) => new RegExp(`^awsblog: ${t} failed: HTTP 500 \\(the endpoint answered with a body that is not an AWS response\\) — the endpoint or a proxy in front of it failed`)],
  // A captive portal or proxy login page answering 200: the query/XML parsers (EC2, STS) would read it as an empty answer.
  ["html-200", (t) => new RegExp(`^awsblog: ${t} failed: HTTP 200 \\(the endpoint answered with a body that is not an AWS response\\) — check --endpoint-url and any proxy in between`)],
  ["bad-json", (t) => new RegExp(`^awsblog: ${t} failed: HTTP 200 \\(the endpoint answered with a body that is not an AWS response\\) — check --endpoint-url and any proxy in between`)],
];

describe("an endpoint that answers garbage: one classified line with a hint", () => {
  for (const [kind, expected] of CASES) {
    for (const [name, args, target] of COMMANDS) {
      if (kind === "bad-json" && target.startsWith("EC2")) continue; // EC2 parses "{not json" as an empty XML answer
      it(`${kind}: ${name}`, async () => {
        answer = kind;
        const run = await awsblog([...args(), "--endpoint-url", url, "--cli-read-timeout", "5"], { env });
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr.trim().split("\n")).toHaveLength(1);
        expect(run.stderr).toMatch(expected(target));
        expect(run.stderr).not.toMatch(/rerun with --debug|AWS had an internal error|TypeError|XML parse error/);
      }, 30_000);
    }
  }

  it("an HTML page where STS's XML belongs (a captive portal answering 200): not AWS's answer", async () => {
    answer = "html-200";
    const run = await awsblog(["saml", "login", "--saml-response", samlResponse({ key, now: new Date() }), "--endpoint-url", url], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: STS AssumeRoleWithSAML failed: HTTP 200 \(the endpoint answered with a body that is not an AWS response\) — check --endpoint-url/);
  });

  it("numbers that are not numbers (a TypeError inside the SDK): pipeline approvals says what answered", async () => {
    answer = "wrong-types";
    const run = await awsblog(["pipeline", "approvals", "--endpoint-url", url], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: CodePipeline ListPipelines failed: HTTP 200 \(the endpoint answered with a body that is not an AWS response\) — check --endpoint-url/);
    expect(run.stderr).not.toMatch(/TypeError|implicit NaN/);
  });

  it("--debug prints the error's fields (name, code, $metadata, message), never [object Object]", async () => {
    answer = "html-500";
    const run = await awsblog(["saml", "login", "--saml-response", samlResponse({ key, now: new Date() }), "--endpoint-url", url, "--debug"], {
      env: { ...env, AWS_MAX_ATTEMPTS: "1" },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\[object Object\]/);
    expect(run.stderr).toMatch(/\[debug\] name: AwsError, code: HTTP 500, message: STS AssumeRoleWithSAML failed: HTTP 500/);
    // The SDK's own log line and the cause: the parser's error with the answer's metadata.
    expect(run.stderr).toMatch(/\[debug\] SDK error: STSClient AssumeRoleWithSAMLCommand name: Error, message: @aws-sdk XML parse error: mismatched tags/);
    expect(run.stderr).toMatch(/\[debug\] name: Error, message: @aws-sdk XML parse error.*, \$metadata: \{"httpStatusCode":500/);
  });
});

describe("a control character in the credentials", () => {
  it("AWS_ACCESS_KEY_ID with a control character is a usage error naming the variable (exit 2)", async () => {
    answer = "bad-json";
    const run = await awsblog(["approve", "--token", "t", "--endpoint-url", url], { env: { AWS_ACCESS_KEY_ID: "AKIA\u0001EXAMPLE", AWS_SECRET_ACCESS_KEY: "s" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("awsblog: AWS_ACCESS_KEY_ID contains a control character — set AWS_ACCESS_KEY_ID again without it (a stray newline or escape from copy and paste?)\n");
  });
});
