import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../../src/commands/index.js";
import type { AnyCommandSpec } from "../../../src/lib/command.js";
import { trueBinary } from "./small-elf.js";
import { awsblog, interrupts, type InProcessRun } from "../../helpers/in-process.js";
import { makeSigningKey, PROVIDER_ARN, roleArn, samlResponse } from "../../../doubles/saml/signer.js";
import { startHungEndpoint, type HungEndpoint } from "./hung-endpoint.js";
import { KNOWN_FAILURES } from "./sweep-known-failures.js";

/**
 * The bad-input sweep (#19), data-driven from the manifest: every option of every command with
 * an empty, an overlong (100k), an out-of-range and a control-character value; endless stdin
 * and special files where a flag reads input; a silent, a garbage and an HTML endpoint; a home
 * that cannot be written. Each case must end within a bound, exit 1–4, and print exactly one
 * line `awsblog: … — …` on stderr: no stack trace, no "unexpected", no secret echoed.
 *
 * Cases run in-process, CONCURRENCY at a time, with 1 s network timeouts and one attempt (most
 * of a case is waiting on a dead endpoint, not CPU). A case that fails for a known, accepted
 * reason is listed in sweep-known-failures.ts (empty today), and that list is asserted exactly:
 * a case that starts passing must leave it, a new failure must not hide.
 */
const BOUND_MS = 20_000;
const CONCURRENCY = 32;
const NOW = new Date("2026-12-02T04:00:00Z");
const SECRET_PASSWORD = "SweepPassword-987";
const SECRET_VALUE = "SweepSecret-123456";
const OVERLONG = "x".repeat(100_000);
const CONTROL = "ctl\u0007\u001b[31mred\r\nnext\u0000end";
/** Commands that run until Ctrl-C by design: exit 130 after our interrupt is their normal end. */
const LONG_RUNNING = new Set(["approval serve"]);
/** A closed loopback port: a call there is refused at once. */
const NOWHERE = "http://127.0.0.1:9";

interface Case {
  id: string;
  argv: string[];
  env?: Record<string, string | undefined>;
  input?: () => string | Readable;
  /** Values that must not come back in the output. */
  secrets?: string[];
  command: string;
}

interface Outcome {
  run?: InProcessRun;
  ms: number;
  hung: boolean;
}

const work = mkdtempSync(join(tmpdir(), "awsblog-sweep-"));
const home = join(work, "home");
mkdirSync(home);
const fifo = join(work, "fifo");
execFileSync("mkfifo", [fifo]);
/** Our own device node (as root); the real ones under /dev are never a target. */
const device = (() => {
  const node = join(work, "zero");
  try {
    execFileSync("mknod", [node, "c", "1", "5"], { stdio: "ignore" });
    return node;
  } catch {
    return undefined;
  }
})();
const rules = join(work, "rules.json");
writeFileSync(rules, JSON.stringify([{ RuleId: 1, TagKey: "Team", Action: "Update", Required: "Y", Default: "web" }]));
const app = join(work, "app");
copyFileSync(trueBinary(), app); // a small ELF: deploy and verify read every byte of the zip
chmodSync(app, 0o755);
const script = join(work, "hello.php");
writeFileSync(script, "<?php echo 1;\n");
const runtime = join(work, "runtime");
mkdirSync(join(runtime, "bin"), { recursive: true });
writeFileSync(join(runtime, "bin", "php"), "#!/bin/sh\n");
writeFileSync(join(runtime, "bin", "ruby"), "#!/bin/sh\n");
chmodSync(join(runtime, "bin", "php"), 0o755);
chmodSync(join(runtime, "bin", "ruby"), 0o755);
const credentials = join(work, "credentials");
writeFileSync(credentials, "[saml]\naws_access_key_id = AKIASWEEP\naws_secret_access_key = sweep\n");
const zip = join(work, "fn.zip");
const key = makeSigningKey();
const response = samlResponse({ key, now: NOW, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`] });

/** Enough valid arguments per command that a bad flag is judged past the first "--x is required". */
function base(path: string, endpoint: string): string[] {
  const arn = "arn:aws:states:us-east-1:123456789012";
  const table: Record<string, string[]> = {
    approve: ["--token", SECRET_VALUE],
    reject: ["--token", SECRET_VALUE],
    heartbeat: ["--token", SECRET_VALUE],
    "approval start": ["--state-machine-arn", `${arn}:stateMachine:sm`],
    "approval tail": [`${arn}:execution:sm:e1`],
    "approval worker": ["--activity-arn", `${arn}:activity:a`, "--base-url", "https://approve.example", "--once"],
    completion: ["bash"],
    "approval serve": ["--port", "0"],
    "cognito signup": ["--client-id", "abcdefghij", "--username", "u"],
    "cognito confirm": ["--client-id", "abcdefghij", "--username", "u", "--code", "123456"],
    "cognito resend-code": ["--client-id", "abcdefghij", "--username", "u"],
    "cognito login": ["--client-id", "abcdefghij", "--username", "u", "--flow", "password"],
    "cognito call": [`${endpoint}/prod/`],
    "cognito password forgot": ["--client-id", "abcdefghij", "--username", "u"],
    "cognito password confirm": ["--client-id", "abcdefghij", "--username", "u", "--code", "123456", "--new-password-stdin"],
    "cognito password change": ["--password-stdin", "--new-password-stdin"],
    "cognito mfa setup": ["--code-stdin"],
    "cognito mfa prefer": ["totp"],
    "cognito credentials": ["--identity-pool-id", "us-east-1:0c4e2f3a-1111-2222-3333-444455556666"],
    "saml login": ["--saml-response", response],
    "saml roles": ["--saml-response", response],
    "saml exec": ["--profile-name", "saml", "--", "true"],
    "dlq inspect": ["--queue-url", `${endpoint}/123456789012/dlq`],
    "dlq redrive": ["--queue-url", `${endpoint}/123456789012/dlq`, "--to", `${endpoint}/123456789012/work`],
    "dlq configure": ["--function", "f", "--remove"],
    "dlq purge": ["--queue-url", `${endpoint}/123456789012/dlq`, "--class", "timeout", "--yes"],
    "dlq tail": ["--queue-url", `${endpoint}/123456789012/dlq`, "--for", "3s"],
    "pipeline status": ["p"],
    "pipeline start": ["p"],
    "pipeline watch": ["p"],
    "pipeline worker": ["--action-type", "Test/Custom/Sweep/1", "--once", "--", "true"],
    "package php": ["--entry", script, "--runtime-dir", runtime, "--out", join(work, "php.zip")],
    "package go": ["--entry", app, "--out", join(work, "go.zip")],
    "package ruby": ["--entry", script, "--runtime-dir", runtime, "--out", join(work, "rb.zip")],
    "package verify": [zip],
    deploy: ["--zip", zip, "--function-name", "f", "--role", "arn:aws:iam::123456789012:role/r"],
    "tags scan": ["--policy", rules],
    "tag-audit": ["--policy", rules],
    "tags enforce": ["--policy", rules],
    "tags schedule": ["--name", "sweep", "--policy", rules, "--schedule", "rate(1 day)", "--role", "arn:aws:iam::123456789012:role/r"],
  };
  return table[path] ?? [];
}

const SECRET_OPTION = /token|password|secret|saml|^code$|mfa/i;

/** Replaces `--flag <old>` in argv (or appends `--flag value`); positional `--` tails stay last. */
function withFlag(argv: string[], flag: string, value: string | undefined): string[] {
  const out = [...argv];
  const at = out.indexOf(flag);
  const dashdash = out.indexOf("--");
  if (at >= 0 && (dashdash < 0 || at < dashdash)) {
    if (value === undefined) out.splice(at, 1);
    else out.splice(at, 2, flag, value);
    return out;
  }
  const insert = value === undefined ? [flag] : [flag, value];
  if (dashdash >= 0) out.splice(dashdash, 0, ...insert);
  else out.push(...insert);
  return out;
}

function endless(): Readable {
  const chunk = Buffer.alloc(64 * 1024, "y\n");
  return new Readable({
    read() {
      this.push(chunk);
    },
  });
}

async function buildCases(endpoints: Record<string, string>): Promise<Case[]> {
  const cases: Case[] = [];
  const nowhere = NOWHERE;
  for (const entry of commands) {
    const path = entry.path.join(" ");
    const spec: AnyCommandSpec = (await entry.load()).default;
    const valid = base(path, nowhere);
    const add = (id: string, argv: string[], extra: Partial<Case> = {}) =>
      cases.push({ id: `${path} ${id}`, argv: ["--endpoint-url", nowhere, ...entry.path, ...argv], command: path, ...extra });

    for (const option of Object.values(spec.options)) {
      const flag = /--[\w-]+/.exec(option.flags)![0];
      if (flag === "--no-verify" || flag === "--no-creator-lookup") continue;
      const takesValue = /[<[]/.test(option.flags);
      const name = flag.slice(2);
      if (!takesValue) {
        // Boolean flags: stdin-reading ones get endless stdin; the rest are covered with the values of others.
        if (/stdin/.test(flag)) add(`${flag} <endless stdin>`, withFlag(valid, flag, undefined), { input: endless });
        continue;
      }
      const values: [string, string][] = [
        ["<empty>", ""],
        ["<100k>", OVERLONG],
        ["<control>", CONTROL],
      ];
      if (option.parse && !option.choices) values.push(["<-1>", "-1"], ["<huge>", "99999999999999999999"]);
      if (option.choices) values.push(["<no-such-choice>", "nosuch"]);
      if (/<(file|path|zip|dir|source|json|body|value|file\.zip)/.test(option.flags) || /^(out|report|input|data|event|result)$/.test(name)) {
        values.push(["<fifo>", fifo], ["<@fifo>", `@${fifo}`]);
        if (device) values.push(["<device>", device], ["<@device>", `@${device}`]);
        if (/path\|-|json|body|value|token/.test(option.flags)) values.push(["<- endless>", "-"]);
      }
      if (SECRET_OPTION.test(name)) values.push(["<secret>", SECRET_VALUE]);
      for (const [label, value] of values) {
        const argv = withFlag(valid, flag, value);
        add(`${flag} ${label}`, argv, {
          input: label === "<- endless>" ? endless : undefined,
          secrets: SECRET_OPTION.test(name) ? [SECRET_VALUE] : undefined,
        });
      }
    }
    for (const arg of Object.values(spec.args ?? {})) {
      if (!/^</.test(arg.name)) continue;
      for (const [label, value] of [
        ["<empty>", ""],
        ["<100k>", OVERLONG],
        ["<control>", CONTROL],
      ] as const) {
        add(`${arg.name} ${label}`, [...valid.filter((v) => !v.startsWith("http") && v !== zip && v !== "bash" && v !== "p"), value]);
      }
    }
    for (const [kind, url] of Object.entries(endpoints)) {
      const argv = path === "cognito call" ? [`${url}/prod/`] : base(path, url);
      cases.push({ id: `${path} <${kind} endpoint>`, argv: ["--endpoint-url", url, ...entry.path, ...argv], command: path });
      if (path === "saml login" || path === "saml roles") {
        cases.push({ id: `${path} --idp-url <${kind} endpoint>`, argv: [...entry.path, "--idp-url", `${url}/adfs/ls/`, "--username", "u"], command: path });
      }
    }
    cases.push({
      id: `${path} <unwritable home>`,
      argv: ["--endpoint-url", nowhere, ...entry.path, ...valid],
      command: path,
      env: { HOME: "/proc/awsblog-sweep-home", AWSBLOG_CONFIG_DIR: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined, AWS_CONFIG_FILE: undefined },
    });
  }
  // Global flags, once, on a command that calls AWS.
  const approve = ["approve", "--token", SECRET_VALUE];
  for (const [flag, value] of [
    ["--region", ""],
    ["--region", CONTROL],
    ["--region", OVERLONG],
    ["--profile", ""],
    ["--profile", CONTROL],
    ["--endpoint-url", ""],
    ["--endpoint-url", CONTROL],
    ["--query", ""],
    ["--query", OVERLONG],
    ["--cli-read-timeout", "-1"],
    ["--cli-connect-timeout", OVERLONG],
    ["-o", "nosuch"],
  ] as const) {
    cases.push({ id: `global ${flag} ${value === "" ? "<empty>" : value === CONTROL ? "<control>" : value.length > 50 ? "<100k>" : value}`, argv: [...(flag === "--endpoint-url" ? [] : ["--endpoint-url", nowhere]), flag, value, ...approve], command: "approve", secrets: [SECRET_VALUE] });
  }
  return cases;
}

/** The shared environment of every case (a case's own `env` adds to it). */
function caseEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    HOME: home,
    AWSBLOG_CONFIG_DIR: join(work, "config"),
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWSBLOG_PASSWORD: SECRET_PASSWORD,
    AWS_MAX_ATTEMPTS: "1",
    AWSBLOG_SAML_TIMEOUT: "2",
    ...extra,
  };
}

async function runCase(c: Case): Promise<Outcome> {
  const signals = interrupts();
  const started = Date.now();
  const env = caseEnv(c.env);
  // Global flags first: after `saml exec --` or `pipeline worker --` they would go to the child command.
  const pending = awsblog(["--cli-read-timeout", "1", "--cli-connect-timeout", "1", ...c.argv], { env, input: c.input?.() ?? "", interrupts: signals, now: () => NOW });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), BOUND_MS)));
  const first = await Promise.race([pending, late]);
  clearTimeout(timer);
  if (first !== "late") return { run: first, ms: Date.now() - started, hung: false };
  signals.interrupt(); // Ctrl-C, as a user would
  const after = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000).unref())]);
  return { run: after, ms: Date.now() - started, hung: true };
}

/** What is wrong with one outcome, or undefined when it is as the contract says. */
function verdict(c: Case, outcome: Outcome): string | undefined {
  const { run } = outcome;
  if (outcome.hung && LONG_RUNNING.has(c.command) && run?.code === 130) return undefined;
  if (outcome.hung) return `hang: still running after ${BOUND_MS / 1000} s${run ? ` (ended ${run.code} after Ctrl-C)` : ""}`;
  if (!run) return "no result";
  const text = `${run.stdout}\n${run.stderr}`;
  for (const secret of [...(c.secrets ?? []), SECRET_PASSWORD]) if (text.includes(secret)) return `leak: output contains ${secret}`;
  if (run.code === 0) return run.stderr === "" ? undefined : `exit 0 with stderr: ${run.stderr.slice(0, 200)}`;
  if (![1, 2, 3, 4].includes(run.code)) return `exit ${run.code}`;
  if (/unexpected error/i.test(run.stderr)) return `unexpected: ${run.stderr.slice(0, 200)}`;
  if (/\n\s+at .+:\d+:\d+/.test(run.stderr)) return "stack trace";
  // The SDK's or Node's own error where ours belongs (#19: "failed: Error (Parse Error: …)", "TypeError (…)", "[object Object]").
  if (/failed: (Error|TypeError|RangeError|SyntaxError) \(|\bTypeError\b|XML parse error|\[object Object\]/.test(run.stderr)) return `raw error: ${run.stderr.slice(0, 200)}`;
  const lines = run.stderr.replace(/\n$/, "").split("\n");
  if (lines.length !== 1) return `${lines.length} stderr lines: ${run.stderr.slice(0, 300)}`;
  if (!/^awsblog: .+ — .+$/.test(lines[0]!)) return `not "awsblog: … — …": ${lines[0]!.slice(0, 200)}`;
  return undefined;
}

/** A bare TCP server that answers anything with bytes that are not HTTP, then hangs up. */
async function garbageEndpoint(): Promise<{ url: string; server: TcpServer }> {
  const server = createTcpServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => socket.end("SSH-2.0-OpenSSH_9.6 \u0000\u00ff garbage\r\n\r\n"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

/** A web server answering every request with an HTML page (a captive portal, a proxy's error page). */
async function htmlEndpoint(status: number): Promise<{ url: string; server: HttpServer }> {
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(status, { "content-type": "text/html" });
    res.end("<!doctype html><html><head><title>Service Unavailable</title></head><body><h1>Maintenance</h1><p>Back soon.</p></body></html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe("the bad-input sweep over every command", () => {
  let silent: HungEndpoint;
  let garbage: { url: string; server: TcpServer };
  let html: { url: string; server: HttpServer };
  let html200: { url: string; server: HttpServer };
  const cwd = process.cwd();
  beforeAll(async () => {
    [silent, garbage, html, html200] = await Promise.all([startHungEndpoint(), garbageEndpoint(), htmlEndpoint(503), htmlEndpoint(200)]);
    // Files a case writes (an --out named by a bad value) land in the temp folder, not the checkout.
    process.chdir(work);
    const built = await awsblog(["package", "go", "--entry", app, "--out", zip]);
    if (built.code !== 0) throw new Error(built.stderr);
  });
  afterAll(async () => {
    process.chdir(cwd);
    await silent?.close();
    garbage?.server.close();
    for (const server of [html?.server, html200?.server]) {
      server?.closeAllConnections();
      server?.close();
    }
  });

  it("every case ends in time with one line, a hint, exit 1–4 and no secret; known failures are exactly those listed", async () => {
    const cases = await buildCases({ silent: silent.url, garbage: garbage.url, html: html.url, "html 200": html200.url });
    const failures = new Map<string, string>();
    const started = process.cpuUsage();
    // Each run gets its own env map (the harness leaves process.env alone), so cases run together.
    let next = 0;
    const lane = async () => {
      for (let c = cases[next++]; c; c = cases[next++]) {
        const wrong = verdict(c, await runCase(c));
        if (wrong) failures.set(c.id, wrong);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const cpu = process.cpuUsage(started);
    console.log(`sweep: ${cases.length} cases, ${failures.size} failing (${Object.keys(KNOWN_FAILURES).length} known), CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
    // SWEEP_REPORT=<file> keeps every failing case with why, for the known-failures list.
    if (process.env.SWEEP_REPORT) writeFileSync(process.env.SWEEP_REPORT, JSON.stringify(Object.fromEntries(failures), null, 2));
    const unexpected = [...failures].filter(([id]) => !(id in KNOWN_FAILURES)).map(([id, why]) => `${id}: ${why}`);
    const fixed = Object.keys(KNOWN_FAILURES).filter((id) => !failures.has(id));
    expect(unexpected, "new failures").toEqual([]);
    expect(fixed, "known failures that pass now: remove them from sweep-known-failures.ts").toEqual([]);
    expect(cases.length).toBeGreaterThan(800);
  }, 900_000);
});
