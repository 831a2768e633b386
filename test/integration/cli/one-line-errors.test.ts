import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";

/**
 * The bad-input sweep: every refused invocation prints exactly one line,
 * `awsblog: <what failed> — <what to do>`, and exits with the contract's code. Nothing here
 * reaches AWS (the endpoint is a closed loopback port).
 */
const dir = mkdtempSync(join(tmpdir(), "awsblog-bad-input-"));
const warnYaml = join(dir, "rules.yaml");
writeFileSync(warnYaml, "- RuleId: 1\n  TagKey: !!foo Team\n  Action: Bogus\n  Required: Y\n");
const E = ["--endpoint-url", "http://127.0.0.1:9"];

const BAD: [string[], number][] = [
  // commander: unknown things, with its "(Did you mean …?)" on the same line
  [["approv"], 2],
  [["approve", "--tokn", "t"], 2],
  [["dlq", "inspct"], 2],
  [["nosuchcommand"], 2],
  [["-o", "xml", "approve", "--token", "t"], 2],
  [["approve", "--token"], 2],
  // groups without their subcommand: one line, not the help
  [["dlq"], 2],
  [["tags"], 2],
  [["cognito"], 2],
  [["package"], 2],
  [["approval"], 2],
  // global flags
  [["approve", "--token", "t", "--endpoint-url", "localhost:4566"], 2],
  [["approve", "--token", "t", "--cli-read-timeout", "soon"], 2],
  [["approve", "--token", "t", "--query", "[[", ...E], 2],
  [["approve", "--token", "t", "--profile", "nosuch"], 2],
  // approvals
  [["approve", "--token", "", ...E], 2],
  [["approve", "--token", "t", "--result", "{bad", ...E], 2],
  [["reject", "--token", "t", "--error", "x".repeat(300), ...E], 2],
  [["approval", "start", ...E], 2],
  [["approval", "start", "--state-machine-arn", "nope", ...E], 2],
  [["approval", "serve", "--port", "70000", ...E], 2],
  [["approval", "serve", "--host", "", ...E], 2],
  [["approval", "worker", "--activity-arn", "arn:aws:states:us-east-1:123456789012:activity:a", "--base-url", "ftp://x", ...E], 2],
  [["approval", "worker", "--activity-arn", "arn:aws:states:us-east-1:123456789012:activity:a", "--base-url", "https://a.example", "--worker-name", "w".repeat(81), ...E], 2],
  // files
  [["approval", "start", "--state-machine-arn", "arn:aws:states:us-east-1:123456789012:stateMachine:x", "--input", `@${dir}`, ...E], 2],
  [["tags", "scan", "--policy", warnYaml, ...E], 2],
  // a huge value is capped, not echoed whole
  [["approve", "--token", "T".repeat(131_072), ...E], 2],
];

describe("bad invocations: one line each, with a hint, and the right exit code", () => {
  for (const [args, code] of BAD) {
    const label = args.map((a) => (a.length > 30 ? `${a.slice(0, 20)}…` : a)).join(" ");
    it(`awsblog ${label} → ${code}`, async () => {
      const run = await awsblog(args);
      expect(run.code, run.stderr).toBe(code);
      expect(run.stdout).toBe("");
      expect(run.stderr.endsWith("\n")).toBe(true);
      const lines = run.stderr.slice(0, -1).split("\n");
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^awsblog: .+ — .+$/);
      expect(lines[0]!.length).toBeLessThan(1_200);
    });
  }

  it("commander's suggestion stays on the error line", async () => {
    const run = await awsblog(["approv"]);
    expect(run.stderr).toBe("awsblog: unknown command 'approv' (Did you mean approve?) — see --help\n");
  });

  it("a group without its subcommand names the subcommands; its --help still shows the help (exit 0)", async () => {
    const bare = await awsblog(["approval"]);
    expect(bare.stderr).toBe('awsblog: "approval" needs a subcommand: start, tail, worker, serve — see awsblog approval --help\n');
    const help = await awsblog(["approval", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: awsblog approval");
  });
});
