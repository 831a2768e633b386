import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createOutput } from "../../../src/lib/output.js";

/**
 * The pager covers the screen: what was warned before it opened is repeated after it, and it
 * reads UTF-8 even with no locale set. The pager here is a shell command recording what it got.
 */
const dir = mkdtempSync(join(tmpdir(), "awsblog-pager-notes-"));

function onTerminal(env: NodeJS.ProcessEnv) {
  const stderr: string[] = [];
  const stdout = { isTTY: true, fd: 1, rows: 5, columns: 80, write: () => true };
  const out = createOutput({ format: "text", quiet: false, color: false, debug: false, stdout, stderr: { write: (chunk: string) => stderr.push(chunk) }, env });
  return { out, stderr };
}

const LONG = Array.from({ length: 40 }, (_, i) => `row ${i} — done`).join("\n");

describe("the pager and what it hides", () => {
  it("warnings printed before the pager opens are repeated after the result", () => {
    const paged = join(dir, "paged.txt");
    const { out, stderr } = onTerminal({ AWSBLOG_PAGER: `cat > ${paged}` });
    out.warn("CloudTrail lookup failed, 150 creator(s) deferred to the next run");
    out.result({}, LONG);
    expect(readFileSync(paged, "utf8")).toContain("row 39 — done");
    expect(stderr).toEqual(["warning: CloudTrail lookup failed, 150 creator(s) deferred to the next run\n", "warning: CloudTrail lookup failed, 150 creator(s) deferred to the next run\n"]);
  });

  it("without a pager (short text) a warning is printed once", () => {
    const { out, stderr } = onTerminal({ AWSBLOG_PAGER: "cat" });
    out.warn("once");
    out.result({}, LONG);
    expect(stderr).toEqual(["warning: once\n"]);
  });

  it("the pager gets LESSCHARSET=utf-8 when it is unset, and the user's own value otherwise", () => {
    const seen = join(dir, "charset.txt");
    const pager = `printenv LESSCHARSET > ${seen}; cat > /dev/null`;
    onTerminal({ AWSBLOG_PAGER: pager, PATH: process.env.PATH }).out.result({}, LONG);
    expect(readFileSync(seen, "utf8")).toBe("utf-8\n");
    onTerminal({ AWSBLOG_PAGER: pager, PATH: process.env.PATH, LESSCHARSET: "latin1" }).out.result({}, LONG);
    expect(readFileSync(seen, "utf8")).toBe("latin1\n");
  });
});
