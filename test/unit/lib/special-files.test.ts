import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatError } from "../../../src/lib/errors.js";
import { readTextArg, readTextFile } from "../../../src/lib/input.js";
import { awsblog } from "../../helpers/in-process.js";

/**
 * A FIFO given as a file input used to block forever (nobody writes to it); a device or a
 * directory is no better. They are refused up front (exit 2), as is text that is not UTF-8.
 */
const dir = mkdtempSync(join(tmpdir(), "awsblog-special-"));
const fifo = join(dir, "policy.fifo");
execFileSync("mkfifo", [fifo]);

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("special files as file inputs", () => {
  it("@fifo is refused at once with exit 2 (it used to wait for a writer forever)", async () => {
    const error = await failure(readTextArg(`@${fifo}`, "--input"));
    expect(error).toMatchObject({ exitCode: 2 });
    expect(formatError(error)).toBe(`awsblog: --input: ${fifo} is a FIFO (named pipe), not a regular file — pass a regular file (or - for stdin where the flag takes it)`);
  }, 5_000);

  it("a directory and a character device are refused the same way", async () => {
    expect(formatError(await failure(readTextFile(dir, "--policy")))).toMatch(/is a directory, not a regular file — /);
    expect(formatError(await failure(readTextFile("/dev/zero", "--policy")))).toMatch(/\/dev\/zero is a device, not a regular file — /);
  });

  it("a missing file says so with a hint", async () => {
    expect(formatError(await failure(readTextFile(join(dir, "nope.json"), "--policy")))).toMatch(/--policy: cannot read .*nope\.json \(ENOENT\) — check the path/);
  });

  it("non-UTF-8 text is refused (exit 2) instead of being misread", async () => {
    const latin1 = join(dir, "rules-latin1.json");
    writeFileSync(latin1, Buffer.from([0x7b, 0x22, 0x54, 0xe9, 0x61, 0x6d, 0x22, 0x7d])); // {"Téam"} in Latin-1
    const error = await failure(readTextFile(latin1, "--policy"));
    expect(error).toMatchObject({ exitCode: 2 });
    expect(formatError(error)).toBe(`awsblog: --policy: ${latin1} is not UTF-8 text — save the file as UTF-8`);
    const utf8 = join(dir, "ok.json");
    writeFileSync(utf8, '{"Team":"Téam"}');
    expect(await readTextFile(utf8, "--policy")).toBe('{"Team":"Téam"}');
  });

  it("end to end: tags scan --policy <fifo> and a Latin-1 rules file exit 2 before any call", async () => {
    const fifoRun = await awsblog(["tags", "scan", "--policy", fifo, "--endpoint-url", "http://127.0.0.1:9"]);
    expect(fifoRun.code).toBe(2);
    expect(fifoRun.stderr).toBe(`awsblog: --policy: ${fifo} is a FIFO (named pipe), not a regular file — pass a regular file (or - for stdin where the flag takes it)\n`);
    const latin1 = join(dir, "rules.yaml");
    writeFileSync(latin1, Buffer.concat([Buffer.from("- RuleId: 1\n  TagKey: Equipe\n  Action: Update\n  Required: Y\n  Default: "), Buffer.from([0xe9, 0x0a])]));
    const latinRun = await awsblog(["tags", "scan", "--policy", latin1, "--endpoint-url", "http://127.0.0.1:9"]);
    expect(latinRun.code).toBe(2);
    expect(latinRun.stderr).toBe(`awsblog: --policy: ${latin1} is not UTF-8 text — save the file as UTF-8\n`);
  }, 5_000);

  it("end to end: approval start --input @fifo exits 2 without waiting", async () => {
    const run = await awsblog(["approval", "start", "--state-machine-arn", "arn:aws:states:us-east-1:123456789012:stateMachine:x", "--input", `@${fifo}`, "--endpoint-url", "http://127.0.0.1:9"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^awsblog: --input: .* is a FIFO \(named pipe\), not a regular file — /);
  }, 5_000);
});
