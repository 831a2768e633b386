import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { contextWithRemaining, loadWrapper, tempDir, writeExecutable } from "./helpers.js";

/**
 * The generated handler, driven with real child processes (POSIX sh scripts) and a fake
 * Lambda context: no shell between event and program, output parsing, failures, deadline.
 */
let dir: string;
let cleanup: () => void;
let marker: string;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  marker = join(dir, "pwned");
  // Echoes argv[1] (argv mode) or stdin (stdin mode) back inside a JSON document.
  writeExecutable(join(dir, "echo-argv"), '#!/bin/sh\nprintf \'{"arg":%s,"count":%d}\\n\' "$1" "$#"\n');
  writeExecutable(join(dir, "echo-stdin"), "#!/bin/sh\necho '{\"stdin\":'; cat; echo '}'\n");
  writeExecutable(join(dir, "fail"), "#!/bin/sh\necho partial output\necho 'line one' >&2\necho 'fatal: bad input' >&2\nexit 3\n");
  writeExecutable(join(dir, "text"), "#!/bin/sh\nprintf '  hello, not json \\n\\n'\n");
  writeExecutable(join(dir, "hang"), `#!/bin/sh\nsleep 30 &\necho $! > "${join(dir, "grandchild.pid")}"\nsleep 30\n`);
  writeExecutable(join(dir, "ignore-stdin"), "#!/bin/sh\necho 42\n");
  writeExecutable(join(dir, "flood"), "#!/bin/sh\nhead -c 7000000 /dev/zero | tr '\\0' x\nsleep 5\n");
  writeExecutable(join(dir, "leaves-child"), `#!/bin/sh\nsleep 30 &\necho $! > "${join(dir, "left.pid")}"\necho '{"done":true}'\n`);
  writeExecutable(join(dir, "env"), '#!/bin/sh\nprintf \'{"root":"%s","cwd":"%s","path":"%s","ld":"%s"}\' "$LAMBDA_TASK_ROOT" "$(pwd)" "$PATH" "$LD_LIBRARY_PATH"\n');
});
afterAll(() => cleanup());
afterEach(() => vi.restoreAllMocks());

const hostile = {
  quote: "'; touch PWNED; echo '",
  dollar: "$(touch PWNED)",
  backtick: "`touch PWNED`",
  mixed: "\"; touch PWNED #\n&& touch PWNED | touch PWNED; rm -rf /nonexistent",
};
const hostileEvent = () => JSON.parse(JSON.stringify(hostile).replaceAll("PWNED", marker.replaceAll("\\", "\\\\"))) as Record<string, string>;

describe("generated wrapper: no shell", () => {
  it("passes a hostile event as one argv element, byte for byte, and runs nothing", async () => {
    const handler = loadWrapper(dir, { program: "echo-argv", input: "argv" });
    const event = hostileEvent();
    const result = await handler(event, contextWithRemaining(10_000));
    expect(result).toEqual({ arg: event, count: 1 });
    expect(existsSync(marker)).toBe(false);
  });

  it("passes a hostile event on stdin and runs nothing", async () => {
    const handler = loadWrapper(dir, { program: "echo-stdin", input: "stdin" }, "s");
    const event = hostileEvent();
    expect(await handler(event, contextWithRemaining(10_000))).toEqual({ stdin: event });
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses an event too big for one argv string instead of failing obscurely", async () => {
    const handler = loadWrapper(dir, { program: "echo-argv", input: "argv" }, "big");
    await expect(handler({ data: "x".repeat(140_000) }, contextWithRemaining(10_000))).rejects.toMatchObject({
      name: "EventTooLarge",
      message: expect.stringContaining("--input stdin"),
    });
  });

  it("runs the program from the package root with LAMBDA_TASK_ROOT set and the runtime on PATH", async () => {
    mkdirSync(join(dir, "rt"), { recursive: true });
    const handler = loadWrapper(dir, { program: "env", runtimeDir: "rt" }, "env");
    const result = (await handler({}, contextWithRemaining(10_000))) as Record<string, string>;
    expect(result).toMatchObject({ root: expect.any(String), cwd: dir });
    expect(result.path?.split(":").slice(0, 2)).toEqual([join(dir, "rt/bin"), dir]);
    expect(result.ld?.split(":").at(-1)).toBe(join(dir, "rt/lib"));
  });

  it("finds a runtime dir the zip does not hold in the layer root (deploy --layer: /opt on Lambda)", async () => {
    const { dir: pkg, cleanup: done } = tempDir();
    const { dir: opt, cleanup: doneOpt } = tempDir();
    try {
      // The function zip: the wrapper only. The layer: lrt/bin/prog, which reports where it ran from.
      mkdirSync(join(opt, "lrt/bin"), { recursive: true });
      writeExecutable(join(opt, "lrt/bin/prog"), '#!/bin/sh\nprintf \'{"self":"%s","path":"%s","ld":"%s"}\' "$0" "$PATH" "$LD_LIBRARY_PATH"\n');
      vi.stubEnv("AWSBLOG_LAYER_ROOT", opt);
      const handler = loadWrapper(pkg, { program: "lrt/bin/prog", runtimeDir: "lrt" }, "layered");
      const result = (await handler({}, contextWithRemaining(10_000))) as Record<string, string>;
      expect(result.self).toBe(join(opt, "lrt/bin/prog"));
      expect(result.path?.split(":")[0]).toBe(join(opt, "lrt/bin"));
      expect(result.ld?.split(":").at(-1)).toBe(join(opt, "lrt/lib"));
    } finally {
      vi.unstubAllEnvs();
      done();
      doneOpt();
    }
  });
});

describe("generated wrapper: results and failures", () => {
  it("resolves the trimmed text when stdout is not JSON", async () => {
    const handler = loadWrapper(dir, { program: "text" }, "text");
    expect(await handler({}, contextWithRemaining(10_000))).toBe("hello, not json");
  });

  it("rejects with exit code and stderr tail on a non-zero exit, and logs stderr lines", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const handler = loadWrapper(dir, { program: "fail" }, "fail");
    const error = (await handler({}, contextWithRemaining(10_000)).catch((e: unknown) => e)) as Error & Record<string, unknown>;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ProgramFailed");
    expect(error.exitCode).toBe(3);
    expect(error.stderrTail).toBe("line one\nfatal: bad input");
    expect(error.message).toContain("exited with code 3");
    expect(error.message).toContain("fatal: bad input");
    expect(logged.mock.calls.map((call) => call[0])).toEqual(["[go] line one", "[go] fatal: bad input"]);
  });

  it("does not fail when the program exits without reading its stdin", async () => {
    const handler = loadWrapper(dir, { program: "ignore-stdin", input: "stdin" }, "ign");
    expect(await handler({ blob: "y".repeat(2_000_000) }, contextWithRemaining(10_000))).toBe(42);
  });

  it("rejects with a clear error when the program cannot start", async () => {
    const handler = loadWrapper(dir, { program: "missing-binary" }, "missing");
    await expect(handler({}, contextWithRemaining(10_000))).rejects.toMatchObject({ name: "ProgramStartFailed", code: "ENOENT" });
  });
});

describe("generated wrapper: limits and leftovers", () => {
  it("stops a program that writes more than Lambda can return", async () => {
    const handler = loadWrapper(dir, { program: "flood" }, "flood");
    await expect(handler({}, contextWithRemaining(20_000))).rejects.toMatchObject({ name: "ProgramOutputTooLarge" });
  });

  it("returns when the program exits, reaping background children that hold its stdout", async () => {
    const handler = loadWrapper(dir, { program: "leaves-child" }, "left");
    const started = Date.now();
    expect(await handler({}, contextWithRemaining(20_000))).toEqual({ done: true });
    expect(Date.now() - started).toBeLessThan(5000);
    const leftover = Number(readFileSync(join(dir, "left.pid"), "utf8"));
    await expect.poll(() => isRunning(leftover), { timeout: 2000 }).toBe(false);
  });
});

describe("generated wrapper: deadline", () => {
  it("kills the program and its process group shortly before the remaining time ends", async () => {
    const handler = loadWrapper(dir, { program: "hang" }, "hang");
    const started = Date.now();
    const error = (await handler({}, contextWithRemaining(1500)).catch((e: unknown) => e)) as Error & Record<string, unknown>;
    const elapsed = Date.now() - started;
    expect(error.name).toBe("ProgramTimeout");
    expect(error.signal).toBe("SIGKILL");
    // Killed at remaining − margin (150 ms here), not at once and not after the 30 s sleep;
    // the upper bound leaves room for a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual(1300);
    expect(elapsed).toBeLessThan(5000);
    // The kill is due 150 ms before the deadline; a busy machine fires the timer a little late.
    const before = Number(/hang was still running (\d+) ms before the Lambda deadline/.exec(error.message)?.[1]);
    expect(before).toBeGreaterThanOrEqual(0);
    expect(before).toBeLessThanOrEqual(150);
    const grandchild = Number(readFileSync(join(dir, "grandchild.pid"), "utf8"));
    await expect.poll(() => isRunning(grandchild), { timeout: 2000 }).toBe(false);
  });
});

/** Alive and not a zombie (an orphan's zombie lingers until its new parent reaps it). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
  } catch {
    return false;
  }
}
