import { describe, expect, it } from "vitest";
import { FailureError, UsageError, formatError } from "../../../src/lib/errors.js";
import { createOutput } from "../../../src/lib/output.js";
import { clipValue, sanitizeForTerminal, sanitizeKeepingStyle } from "../../../src/lib/terminal.js";
import { awsblog } from "../../helpers/in-process.js";

const HOSTILE = [
  "\x1b[2J\x1b[H", // clear screen, cursor home
  "\x1b]0;pwned\x07", // window title (OSC … BEL)
  "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", // hyperlink (OSC … ST)
  "\x9b31m", // 8-bit CSI
  "\x1bP+q544e\x1b\\", // DCS (terminal query)
  "a\rb", // carriage return overwriting the line
  "\x07\x08\x00\x7f",
].join("");

describe("sanitizeForTerminal", () => {
  it("strips CSI, OSC, DCS, 8-bit controls and C0/C1 controls, keeps text, \\n and \\t", () => {
    expect(sanitizeForTerminal(HOSTILE)).toBe("clicka\nb");
    expect(sanitizeForTerminal("line 1\n\tline 2")).toBe("line 1\n\tline 2");
    expect(sanitizeForTerminal("ünïcödé ✓ 😀")).toBe("ünïcödé ✓ 😀");
  });

  it("caps at maxChars with an ellipsis, counting code points", () => {
    expect(sanitizeForTerminal("abcdef", 4)).toBe("abc…");
    expect(sanitizeForTerminal("abc", 4)).toBe("abc");
    expect(sanitizeForTerminal("😀😀😀😀😀", 3)).toBe("😀😀…");
  });

  it("removes bidi overrides and zero-width characters that reorder or hide text", () => {
    expect(sanitizeForTerminal("a\u202eb\u200bc\u2066d\ufeff")).toBe("abcd");
  });

  it("oneLine folds line breaks and tabs to one space; keepEnd keeps the tail", () => {
    expect(sanitizeForTerminal(" line1 \r\n  line2\tx ", { oneLine: true })).toBe("line1 line2 x");
    expect(sanitizeForTerminal(`${"a".repeat(50)}END`, { max: 10, keepEnd: true })).toBe("…aaaaaaEND");
    expect(sanitizeForTerminal(undefined)).toBe("");
  });

  it("clipValue shows a quoted value's control characters escaped and caps it", () => {
    expect(clipValue("\x1b[2Jred\x07 \u202e\nx")).toBe("\\x1b[2Jred\\x07 \\u202e\\x0ax");
    expect(clipValue("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
    expect([...clipValue("\x1b".repeat(100), 20)]).toHaveLength(20);
  });

  it("the output layer keeps its own colours but not a value's escape sequences", () => {
    const styled = "\x1b[31mfailed\x1b[39m: ";
    expect(sanitizeKeepingStyle(`${styled}${HOSTILE}`)).toBe(`${styled}clicka\nb`);
  });
});

describe("echoed values in errors and output", () => {
  it("formatError strips control sequences and caps a huge value", () => {
    const huge = "A".repeat(131_072);
    const line = formatError(new UsageError(`--client-id ${huge} is not valid\x1b[2J`, "check the app client id"));
    expect(line.length).toBeLessThan(400);
    expect(line).toMatch(/^awsblog: --client-id A{119}…\(131072 chars\) is not valid — check the app client id$/);
    expect(formatError(new FailureError("task said \x1b]0;x\x07hi\nthere"))).toBe("awsblog: task said hi there — rerun with --debug for details");
  });

  it("text results, warnings and info lines reach the terminal without escape sequences", () => {
    const chunks: string[] = [];
    const stream = { isTTY: true, write: (chunk: string) => chunks.push(chunk) };
    const out = createOutput({ format: "text", quiet: false, color: false, debug: false, stdout: stream, stderr: stream, env: {} });
    out.result({}, `result ${HOSTILE}`);
    out.warn(`dlq says ${HOSTILE}`);
    out.info(`info ${HOSTILE}`);
    out.line({}, `line ${HOSTILE}`);
    const controls = [...chunks.join("")].filter((c) => c !== "\n" && c !== "\t" && (c < " " || (c >= "\x7f" && c <= "\x9f")));
    expect(controls).toEqual([]);
  });

  it("a 131 KB flag value is not echoed whole (end to end)", async () => {
    const run = await awsblog(["approve", "--token", "T".repeat(131_072)]);
    expect(run.code).toBe(2);
    expect(run.stderr.length).toBeLessThan(1_000);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});
