import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { onTerminal } from "../../helpers/pty.js";

/**
 * Long text on a terminal goes through AWSBLOG_PAGER / PAGER (default `less -FRX`); never
 * when stdout is a pipe or the pager is "" or "cat". Runs the built CLI on a pseudo-terminal
 * (24 rows) with a pager that records what it was given.
 */
const dir = mkdtempSync(join(tmpdir(), "awsblog-pager-"));

const onTerminalWith = (args: string[], env: Record<string, string>, rows = 24) => onTerminal(args, { env, rows });

describe("the pager", () => {
  it("long text on a terminal goes to AWSBLOG_PAGER (over PAGER)", async () => {
    const paged = join(dir, "paged.txt");
    const run = await onTerminalWith(["completion", "bash"], { AWSBLOG_PAGER: `cat > ${paged}`, PAGER: "false" });
    expect(run.code).toBe(0);
    expect(readFileSync(paged, "utf8")).toContain("complete -o default -F _awsblog awsblog");
    expect(run.output).not.toContain("_awsblog()");
  }, 30_000);

  it("PAGER=cat or an empty AWSBLOG_PAGER prints directly", async () => {
    const envs: Record<string, string>[] = [{ PAGER: "cat" }, { AWSBLOG_PAGER: "", PAGER: `touch ${join(dir, "ran")}` }];
    for (const env of envs) {
      const run = await onTerminalWith(["completion", "bash"], env);
      expect(run.code).toBe(0);
      expect(run.output).toContain("_awsblog()");
    }
    expect(existsSync(join(dir, "ran"))).toBe(false);
  }, 30_000);

  it("short output is not paged, also on a terminal that reports no size (0 rows)", async () => {
    const marker = join(dir, "short.txt");
    const saved = fileURLToPath(new URL("../../fixtures/dlq/receive-message.json", import.meta.url));
    for (const rows of [24, 0]) {
      const run = await onTerminalWith(["dlq", "inspect", "--file", saved], { AWSBLOG_PAGER: `cat > ${marker}` }, rows);
      expect(run.code).toBe(0);
      expect(run.output).toContain("message(s) from");
    }
    expect(existsSync(marker)).toBe(false);
  }, 30_000);

  it("piped stdout is never paged", async () => {
    // A process: the pager looks at the real stdout's file descriptor, which captured streams lack.
    const marker = join(dir, "piped.txt");
    const run = await runCli(["completion", "bash"], { env: { AWSBLOG_PAGER: `cat > ${marker}` } });
    expect(run.stdout).toContain("_awsblog()");
    expect(existsSync(marker)).toBe(false);
  });
});
