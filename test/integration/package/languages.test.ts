import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BIN, runCli, testEnv } from "../../helpers/cli.js";
import { contextWithRemaining } from "../../unit/package/helpers.js";
import { awsblogIn, makeWorkspace, type Lang, type Workspace } from "./world.js";

/**
 * Real PHP, Ruby and Go programs, packaged by the CLI (in-process), extracted with Info-ZIP
 * unzip (as Lambda does, permissions included) and run through the generated wrapper. The
 * built CLI in a child process only where the process is under test: the wrapper's stderr
 * lines under --run-local, the time zone, Ctrl-C.
 */
let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
}, 180_000);
afterAll(() => ws?.cleanup());

const cli = (args: string[]) => awsblogIn(ws.dir, args);
const processCli = (args: string[]) => runCli(args, { cwd: ws.dir, timeoutMs: 60_000 });
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

describe.each(["php", "ruby", "go"] as const)("%s through the wrapper", (lang: Lang) => {
  let zip: string;
  let handler: Handler;
  let marker: string;
  beforeAll(async () => {
    zip = join(ws.dir, `${lang}.zip`);
    const run = await cli([...ws.flags[lang], "--out", zip, "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = run.json<{ handler: string; entries: number; zippedBytes: number; unzippedBytes: number }>();
    expect(summary).toMatchObject({ handler: `${lang}.handler`, entries: lang === "go" ? 2 : 3 });
    const root = join(ws.dir, `extracted-${lang}`);
    execFileSync("unzip", ["-q", zip, "-d", root]);
    handler = (createRequire(join(root, "index.cjs"))(join(root, `${lang}.js`)) as { handler: Handler }).handler;
    marker = join(ws.dir, `pwned-${lang}`);
  });

  it("stores executables as 0755 and everything else as 0644, from a Unix host", () => {
    const listing = execFileSync("unzip", ["-Z", zip], { encoding: "utf8" });
    const modes = Object.fromEntries(
      listing.split("\n").filter((l) => / unx /.test(l)).map((l) => { const p = l.trim().split(/\s+/); return [p[8], p[0]]; }),
    );
    const expected: Record<Lang, Record<string, string>> = {
      php: { "echo.php": "-rw-r--r--", "php-rt/bin/php": "-rwxr-xr-x", "php.js": "-rw-r--r--" },
      ruby: { "echo.rb": "-rw-r--r--", "ruby-rt/bin/ruby": "-rwxr-xr-x", "ruby.js": "-rw-r--r--" },
      go: { "echo-go": "-rwxr-xr-x", "go.js": "-rw-r--r--" },
    };
    expect(modes).toEqual(expected[lang]);
  });

  it("hands a hostile event to the program unchanged and runs no command from it", async () => {
    const event = { q: `'; touch ${marker}; echo '`, d: `$(touch ${marker})`, b: `\`touch ${marker}\``, n: `x" && touch ${marker} #` };
    vi.spyOn(console, "error").mockImplementation(() => {});
    const result = await handler(event, contextWithRemaining(20_000));
    expect(result).toEqual({ lang, args: lang === "php" ? 0 : 1, echo: event });
    expect(existsSync(marker)).toBe(false);
  });

  it("resolves trimmed text when the program prints something that is not JSON", async () => {
    expect(await handler({ text: true }, contextWithRemaining(20_000))).toBe(`plain text from ${lang}`);
  });

  it("rejects with the exit code and stderr tail when the program fails", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(handler({ fail: true }, contextWithRemaining(20_000))).rejects.toMatchObject({
      name: "ProgramFailed",
      exitCode: 4,
      stderrTail: `${lang}: failing on purpose`,
    });
  });

  it("kills a hanging program before the deadline", async () => {
    const started = Date.now();
    await expect(handler({ hang: true }, contextWithRemaining(2000))).rejects.toMatchObject({ name: "ProgramTimeout", signal: "SIGKILL" });
    // The program sleeps 60 s; the kill comes at 2000 − 200 ms (slack for a loaded machine).
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it("--run-local builds, extracts and calls the handler; stdout is the result", async () => {
    writeFileSync(join(ws.dir, `event-${lang}.json`), JSON.stringify({ from: "file", shell: "$(id)" }));
    const run = await processCli([...ws.flags[lang], "--out", join(ws.dir, `local-${lang}.zip`), "--run-local", "--event", `@event-${lang}.json`]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ lang, args: lang === "php" ? 0 : 1, echo: { from: "file", shell: "$(id)" } });
    expect(run.stderr).toContain(`handler: ${lang}.handler`);
    expect(run.stderr).toContain(`[${lang}] ${lang}: 2 keys`);
  });

  it("rebuilds byte-identical zips, whatever the time zone", async () => {
    const again = join(ws.dir, `${lang}-again.zip`);
    const rebuilt = await runCli([...ws.flags[lang], "--out", again], { cwd: ws.dir, env: { TZ: "Pacific/Chatham" }, timeoutMs: 60_000 });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(readFileSync(again).equals(readFileSync(zip))).toBe(true);
  });
});

/** Processes whose command line mentions all the given parts (read from /proc). */
function processesMatching(...parts: string[]): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8");
      if (parts.every((part) => cmdline.includes(part))) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

describe("package and verify through the CLI", () => {
  it("--run-local: Ctrl-C stops the program (in its own process group) and exits 130", async () => {
    const child = spawn(process.execPath, [BIN, ...ws.flags.go, "--out", "sigint.zip", "--run-local", "--event", '{"hang":1}'], { cwd: ws.dir, env: testEnv() });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await expect.poll(() => processesMatching("awsblog-run-", "echo-go").length, { timeout: 20_000 }).toBe(1);
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/awsblog: interrupted: the program was stopped/);
    expect(processesMatching("awsblog-run-", "echo-go")).toEqual([]);
  });

  it("--run-local exits 1 with the program's error when the handler rejects", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const run = await cli([...ws.flags.go, "--out", "fail.zip", "--run-local", "--event", '{"fail":1}']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: go\.handler failed locally: ProgramFailed: .*exited with code 4.*failing on purpose/m);
  });

  it.each([
    ["an absolute --include", ["--include", "/etc/hostname"], /absolute paths are refused/],
    ["an --include with ..", ["--include", "../x"], /'\.\.' are refused/],
    ["a bad --event", ["--run-local", "--event", "{nope"], /--event is not valid JSON/],
    ["--event without --run-local", ["--event", "{}"], /--event only works with --run-local/],
    ["a bad --input", ["--input", "shell"], /--input/],
  ])("refuses %s with exit 2 and writes nothing", async (_label, extra, message) => {
    const run = await cli([...ws.flags.go, "--out", "refused.zip", ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(existsSync(join(ws.dir, "refused.zip"))).toBe(false);
  });

  it("refuses a runtime dir whose interpreter links out of the inputs (exit 2)", async () => {
    mkdirSync(join(ws.dir, "linked-rt/bin"), { recursive: true });
    symlinkSync("/usr/bin/php", join(ws.dir, "linked-rt/bin/php"));
    const run = await cli(["package", "php", "--entry", "echo.php", "--runtime-dir", "linked-rt", "--out", "linked.zip"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/linked-rt\/bin\/php: link points outside the inputs/);
  });

  it("verify passes awsblog's zip and reports a hand-made one (exit 3)", async () => {
    const ok = await cli(["package", "verify", join(ws.dir, "go.zip"), "-o", "json"]);
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ findings: [], wrapper: { file: "go.js", program: "echo-go" } });

    // The classic mistake: files copied without their exec bit, zipped with Info-ZIP.
    mkdirSync(join(ws.dir, "hand"));
    execFileSync("sh", ["-c", "cp echo-go hand/ && chmod 644 hand/echo-go && printf '#!/bin/sh\\r\\necho hi\\r\\n' > hand/run.sh && chmod 755 hand/run.sh && cp extracted-go/go.js hand/"], { cwd: ws.dir });
    execFileSync("zip", ["-q", "-X", "-r", "../hand.zip", "."], { cwd: join(ws.dir, "hand") });
    const bad = await cli(["package", "verify", "hand.zip", "-o", "json"]);
    expect(bad.code).toBe(3);
    const codes = bad.json<{ findings: { code: string; path: string }[] }>().findings.map((f) => `${f.code} ${f.path}`).sort();
    expect(codes).toEqual(["crlf-shebang run.sh", "not-executable echo-go"]);
  });
});
