import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsblogIn, makeWorkspace, type Workspace } from "./world.js";

/**
 * provided.al2023 zips built by the CLI and served by its local Runtime API: real PHP, Ruby
 * and Go programs (Debian's interpreters and Go, standard library only). A Go program that
 * speaks the Runtime API uses a net/http client written for the test (./runtime-api/lambda),
 * once under its own module path (needs --runtime-api) and once as github.com/aws/aws-lambda-go
 * through a local `replace` (detected from the build info).
 */
const FIXTURES = fileURLToPath(new URL("../../fixtures/package/", import.meta.url));
const GO_ENV = { PATH: process.env.PATH, HOME: process.env.HOME, GOCACHE: join(tmpdir(), "awsblog-test-gocache"), GOFLAGS: "-mod=mod", GOPROXY: "off", CGO_ENABLED: "0", GOOS: "linux", GOPATH: join(tmpdir(), "awsblog-test-gopath") };

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
  for (const file of ["handler.php", "handler.rb"]) cpSync(join(FIXTURES, file), join(ws.dir, file));
  const rapi = join(ws.dir, "rapi-src");
  cpSync(join(FIXTURES, "runtime-api"), rapi, { recursive: true });
  execFileSync("go", ["build", "-o", join(ws.dir, "rapi"), "."], { cwd: rapi, env: GO_ENV, stdio: "pipe" });
  // The same program, its client under aws-lambda-go's module path (a local replace: no download).
  const detected = join(ws.dir, "detected-src");
  mkdirSync(join(detected, "lambda-go", "lambda"), { recursive: true });
  cpSync(join(FIXTURES, "runtime-api", "lambda", "lambda.go"), join(detected, "lambda-go", "lambda", "lambda.go"));
  writeFileSync(join(detected, "lambda-go", "go.mod"), "module github.com/aws/aws-lambda-go\n\ngo 1.19\n");
  writeFileSync(join(detected, "go.mod"), "module example.com/detected\n\ngo 1.19\n\nrequire github.com/aws/aws-lambda-go v1.47.0\n\nreplace github.com/aws/aws-lambda-go => ./lambda-go\n");
  writeFileSync(join(detected, "main.go"), readFileSync(join(FIXTURES, "runtime-api", "main.go"), "utf8").replace('"example.com/rapi/lambda"', '"github.com/aws/aws-lambda-go/lambda"'));
  execFileSync("go", ["build", "-o", join(ws.dir, "detected"), "."], { cwd: detected, env: GO_ENV, stdio: "pipe" });
  writeFileSync(join(ws.dir, "events.jsonl"), '{"n":1}\n\n{"n":2}\n{"n":3}\n');
  writeFileSync(join(ws.dir, "nohandler.php"), "<?php\nfunction other() {}\n");
  writeFileSync(join(ws.dir, "broken.rb"), "def handler(event:, context:\n");
}, 600_000);
afterAll(() => ws?.cleanup());

const cli = (args: string[]) => awsblogIn(ws.dir, args);
interface Run {
  runtime: string;
  bootstrap?: { kind: string; style?: string };
  inits: { durationMs: number; error?: { errorType: string; errorMessage: string } }[];
  invocations: { requestId: string; durationMs: number; result?: Record<string, unknown>; error?: { errorType: string; errorMessage: string; stackTrace?: string[] } }[];
}
const unzipModes = (zip: string) =>
  Object.fromEntries(
    execFileSync("unzip", ["-Z", zip], { encoding: "utf8" })
      .split("\n")
      .filter((l) => / unx /.test(l))
      .map((l) => {
        const p = l.trim().split(/\s+/);
        return [p[8], p[0]];
      }),
  );

describe.each([
  ["php", ["package", "php", "--entry", "handler.php", "--runtime-dir", "php-rt"], "php-rt/bin/php"],
  ["ruby", ["package", "ruby", "--entry", "handler.rb", "--runtime-dir", "ruby-rt"], "ruby-rt/bin/ruby"],
] as const)("%s handler bootstrap", (lang, flags, interpreter) => {
  it("writes bootstrap (0755), the runtime loop and its config; verify understands the layout", async () => {
    const zip = `${lang}-handler.zip`;
    const built = await cli([...flags, "--runtime", "provided.al2023", "--out", zip, "-o", "json"]);
    expect(built.code, built.stderr).toBe(0);
    expect(built.json()).toMatchObject({ runtime: "provided.al2023", handler: "bootstrap", bootstrap: { kind: "loop", style: "handler" }, program: interpreter, architecture: "x86_64" });
    const runtimeFile = `awsblog-runtime.${lang === "php" ? "php" : "rb"}`;
    expect(unzipModes(join(ws.dir, zip))).toEqual({ bootstrap: "-rwxr-xr-x", [runtimeFile]: "-rw-r--r--", "awsblog-bootstrap.json": "-rw-r--r--", [`handler.${lang === "php" ? "php" : "rb"}`]: "-rw-r--r--", [interpreter]: "-rwxr-xr-x" });
    const verify = await cli(["package", "verify", zip, "-o", "json"]);
    const report = verify.json<{ bootstrap: unknown; findings: { code: string }[] }>();
    expect(report.bootstrap).toEqual({ file: "bootstrap", format: "script", kind: "loop", style: "handler", language: lang, program: interpreter, architecture: "x86_64" });
    // Debian's interpreters link libraries Lambda's image lacks: the only findings, as for the wrapper.
    expect(report.findings.map((f) => f.code)).toEqual(["missing-shared-library"]);
  });

  it("starts the interpreter once and serves every event of a JSON Lines file from one process", async () => {
    const run = await cli([...flags, "--runtime", "provided.al2023", "--out", `${lang}-h.zip`, "--run-local", "--event", "@events.jsonl", "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const data = run.json<Run>();
    expect(data.inits).toHaveLength(1);
    expect(data.invocations.map((i) => i.result?.echo)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(data.invocations.map((i) => i.result?.served)).toEqual([1, 2, 3]);
    expect(new Set(data.invocations.map((i) => i.result?.pid)).size).toBe(1);
    for (const i of data.invocations) expect(i.result).toMatchObject({ lang, requestId: i.requestId, remaining: true, arn: "arn:aws:lambda:local:000000000000:function:local" });
    expect(run.stderr).toContain(`[bootstrap] ${lang}: serving ${data.invocations[0]!.requestId}`);
  });

  it("sends a handler's exception to /invocation/<id>/error and keeps serving", async () => {
    const run = await cli([...flags, "--runtime", "provided.al2023", "--out", `${lang}-e.zip`, "--run-local", "--event", '{"fail":1}', "--event", '{"ok":2}']);
    expect(run.code).toBe(4);
    const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ errorType: lang === "php" ? "InvalidArgumentException" : "ArgumentError", errorMessage: "failing on purpose" });
    expect(lines[1]).toMatchObject({ echo: { ok: 2 }, served: 2 });
    expect(run.stderr).toContain("warning: 1 of 2 invocations failed");
  });

  it("kills an invocation past --timeout, then starts a fresh environment for the next event", async () => {
    const run = await cli([...flags, "--runtime", "provided.al2023", "--out", `${lang}-t.zip`, "--run-local", "--timeout", "1", "--event", '{"hang":1}', "--event", '{"after":1}', "-o", "json"]);
    expect(run.code).toBe(4);
    const data = run.json<Run>();
    expect(data.invocations[0]!.error).toEqual({ errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 1.00 seconds" });
    expect(data.invocations[0]!.durationMs).toBeGreaterThanOrEqual(990);
    expect(data.invocations[1]!.result).toMatchObject({ echo: { after: 1 }, served: 1 });
    expect(data.inits).toHaveLength(2);
  }, 30_000);
});

describe("init failures go to /runtime/init/error", () => {
  it.each([
    ["php", ["package", "php", "--entry", "nohandler.php", "--runtime-dir", "php-rt"], { errorType: "RuntimeException", errorMessage: "nohandler.php defines no function handler($event, $context)" }],
    ["ruby", ["package", "ruby", "--entry", "broken.rb", "--runtime-dir", "ruby-rt"], { errorType: "SyntaxError" }],
  ] as const)("%s", async (_lang, flags, error) => {
    const run = await cli([...flags, "--runtime", "provided.al2023", "--out", `init-${_lang}.zip`, "--run-local"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^awsblog: bootstrap failed locally: ${error.errorType}: `, "m"));
    if ("errorMessage" in error) expect(run.stderr).toContain(error.errorMessage);
  });
});

describe("the post's script style, per invocation", () => {
  it.each([
    ["php", ["package", "php", "--entry", "echo.php", "--runtime-dir", "php-rt", "--style", "script"], 0],
    ["ruby", ["package", "ruby", "--entry", "echo.rb", "--runtime-dir", "ruby-rt", "--style", "script"], 1],
  ] as const)("%s: event on its input, JSON or text out, failures with the stderr tail, no shell", async (lang, flags, args) => {
    const marker = join(ws.dir, `pwned-script-${lang}`);
    const hostile = { q: `'; touch ${marker}; echo '`, d: `$(touch ${marker})` };
    const run = await cli([...flags, "--runtime", "provided.al2023", "--out", `${lang}-s.zip`, "--run-local", "--event", JSON.stringify(hostile), "--event", '{"text":1}', "--event", '{"fail":1}', "-o", "json"]);
    const data = run.json<Run>();
    expect(data.bootstrap).toEqual({ kind: "loop", style: "script" });
    expect(data.invocations[0]!.result).toEqual({ lang, args, echo: hostile });
    expect(data.invocations[1]!.result).toBe(`plain text from ${lang}`);
    expect(data.invocations[2]!.error).toMatchObject({ errorType: "ProgramFailed", errorMessage: expect.stringMatching(new RegExp(`exited with code 4; stderr: ${lang}: failing on purpose`)) });
    expect(existsSync(marker)).toBe(false);
    expect(data.inits).toHaveLength(1);
  });
});

describe("Go", () => {
  it("ships a program that speaks the Runtime API as bootstrap (--runtime-api), served warm", async () => {
    const run = await cli(["package", "go", "--entry", "rapi", "--runtime", "provided.al2023", "--runtime-api", "--out", "rapi.zip", "--run-local", "--event", '{"a":1}', "--event", '{"fail":1}', "--event", '{"b":2}', "-o", "json"]);
    expect(run.code).toBe(4);
    const data = run.json<Run>();
    expect(data.bootstrap).toEqual({ kind: "program" });
    expect(unzipModes(join(ws.dir, "rapi.zip"))).toEqual({ bootstrap: "-rwxr-xr-x", "awsblog-bootstrap.json": "-rw-r--r--" });
    expect(data.invocations.map((i) => i.result?.served ?? i.error?.errorMessage)).toEqual([1, "failing on purpose", 3]);
    expect(data.invocations[1]!.error?.errorType).toBe("HandlerError");
    expect(data.inits).toHaveLength(1);
  });

  it("detects aws-lambda-go in the build info without --runtime-api", async () => {
    const run = await cli(["package", "go", "--entry", "detected", "--runtime", "provided.al2023", "--out", "detected.zip", "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ bootstrap: { kind: "program" } });
    const plain = await cli(["package", "go", "--entry", "rapi", "--runtime", "provided.al2023", "--out", "rapi-exec.zip", "-o", "json"]);
    expect(plain.json()).toMatchObject({ bootstrap: { kind: "exec" } });
  }, 300_000);

  it("a crashed bootstrap is Runtime.ExitError and the next event gets a new init", async () => {
    const run = await cli(["package", "go", "--entry", "rapi", "--runtime", "provided.al2023", "--runtime-api", "--out", "rapi-c.zip", "--run-local", "--event", '{"crash":1}', "--event", '{"after":1}', "-o", "json"]);
    const data = run.json<Run>();
    expect(data.invocations[0]!.error).toEqual({ errorType: "Runtime.ExitError", errorMessage: "Runtime exited with error: exit status 3" });
    expect(data.invocations[1]!.result).toMatchObject({ echo: { after: 1 }, served: 1 });
    expect(data.inits).toHaveLength(2);
  });

  it("runs a plain program per invocation through the compiled bootstrap: argv contract, deadline, no shell", async () => {
    const marker = join(ws.dir, "pwned-go-exec");
    const hostile = { q: `'; touch ${marker}; echo '`, b: `\`touch ${marker}\`` };
    const run = await cli(["package", "go", "--entry", "echo-go", "--runtime", "provided.al2023", "--out", "exec.zip", "--run-local", "--timeout", "2", "--event", JSON.stringify(hostile), "--event", '{"hang":1}', "--event", '{"text":1}', "-o", "json"]);
    const data = run.json<Run>();
    expect(data.bootstrap).toEqual({ kind: "exec" });
    expect(data.invocations[0]!.result).toEqual({ lang: "go", args: 1, echo: hostile });
    // The bootstrap kills the program before the deadline, so the environment survives.
    expect(data.invocations[1]!.error).toMatchObject({ errorType: "ProgramTimeout", errorMessage: expect.stringContaining("echo-go was still running shortly before the Lambda deadline and was killed") });
    expect(data.invocations[1]!.durationMs).toBeLessThan(2000);
    expect(data.invocations[2]!.result).toBe("plain text from go");
    expect(data.inits).toHaveLength(1);
    expect(existsSync(marker)).toBe(false);
    const verify = await cli(["package", "verify", "exec.zip", "-o", "json"]);
    expect(verify.json()).toMatchObject({ bootstrap: { format: "elf", kind: "exec", program: "echo-go", architecture: "x86_64" }, findings: [] });
  }, 300_000);

  it("refuses --arch that does not match the binary, and flags for the other layout (exit 2)", async () => {
    const arm = await cli(["package", "go", "--entry", "rapi", "--runtime", "provided.al2023", "--arch", "arm64", "--runtime-api", "--out", "x.zip"]);
    expect(arm.code).toBe(2);
    expect(arm.stderr.trim()).toBe("awsblog: --arch arm64: rapi is built for x86_64 — rebuild with GOARCH=arm64, or pass --arch x86_64");
    const noRuntime = await cli(["package", "go", "--entry", "rapi", "--runtime-api", "--out", "x.zip"]);
    expect(noRuntime.stderr.trim()).toBe("awsblog: --runtime-api needs --runtime provided.al2023 — add --runtime provided.al2023");
    const bad = await cli(["package", "php", "--entry", "handler.php", "--runtime-dir", "php-rt", "--runtime", "python3.13", "--out", "x.zip"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--runtime python3\.13: package builds for provided\.al2023/);
  });
});

describe("the Node.js wrapper with several events", () => {
  it("runs the handler once per event and prints one result per line", async () => {
    const run = await cli([...ws.flags.go, "--out", "w.zip", "--run-local", "--event", "@events.jsonl"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual([1, 2, 3].map((n) => ({ lang: "go", args: 1, echo: { n } })));
  });
});
