import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { commands, groups } from "../../../src/commands/index.js";
import { runCli } from "../../helpers/cli.js";
import { awsblog } from "../../helpers/in-process.js";

/** Every name `awsblog --help` must list: the manifest's groups and top-level commands. */
const TOP_LEVEL = [...new Set([...groups, ...commands].map((entry) => entry.path[0]!))];
const recorder = fileURLToPath(new URL("../../helpers/record-imports.mjs", import.meta.url));

/** Runs the CLI with an import recorder and returns the distinct @aws-sdk packages it loaded. */
async function sdkPackagesLoaded(args: string[]): Promise<string[]> {
  const log = join(mkdtempSync(join(tmpdir(), "awsblog-imports-")), "imports.log");
  await runCli(args, { env: { NODE_OPTIONS: `--import=${recorder}`, AWSBLOG_IMPORT_LOG: log } });
  let text = "";
  try {
    text = readFileSync(log, "utf8");
  } catch {
    // nothing resolved at all would leave no file; treat as empty
  }
  expect(text).toContain("dist/cli.js"); // the recorder really ran
  const packages = new Set([...text.matchAll(/node_modules\/@aws-sdk\/([^/]+)\//g)].map((m) => m[1]!));
  return [...packages].sort();
}

describe("the CLI spine", () => {
  it("--help lists every command group and the exit codes", async () => {
    const run = await awsblog(["--help"]);
    expect(run.code).toBe(0);
    expect(TOP_LEVEL).toEqual(expect.arrayContaining(["approve", "reject", "heartbeat", "approval", "tags", "tag-audit", "cognito", "dlq", "package", "deploy", "saml", "pipeline"]));
    for (const name of TOP_LEVEL) expect(run.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, "m"));
    expect(run.stdout).toContain("130 interrupted");
  });

  it("--help and approve --help load no AWS SDK package", async () => {
    expect(await sdkPackagesLoaded(["--help"])).toEqual([]);
    expect(await sdkPackagesLoaded(["approve", "--help"])).toEqual([]);
  });

  it("approve loads the Step Functions client and no other service client", async () => {
    const loaded = await sdkPackagesLoaded(["approve", "--token", "t", "--endpoint-url", "http://127.0.0.1:9"]);
    expect(loaded.filter((name) => name.startsWith("client-"))).toEqual(["client-sfn"]);
  });

  it.each(commands.map((entry) => [entry.path.join(" ")]))("`%s --help` shows its options, an example and the global options", async (path) => {
    const run = await awsblog([...path.split(" "), "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: awsblog ${path}`);
    expect(run.stdout).toMatch(/Examples?:\n\s+\$ .*awsblog /);
    expect(run.stdout).toMatch(/Global Options:[\s\S]*--endpoint-url <url>/);
  });

  it("unknown options and bad --output values are usage errors (exit 2) in one line", async () => {
    for (const args of [["approve", "--bogus"], ["-o", "xml", "approve"], ["nosuchcommand"]]) {
      const run = await awsblog(args);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(/^awsblog: .+ — see --help/);
    }
  });

  it("a reader that closes the pipe early gets no EPIPE stack trace", async () => {
    const { spawnSync } = await import("node:child_process");
    const { BIN } = await import("../../helpers/cli.js");
    const run = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" --help | true`], { encoding: "utf8" });
    expect(run.stderr).toBe("");
  });

  it("a group without its subcommand is one usage line (exit 2); help <group> exits 0", async () => {
    const bare = await awsblog(["dlq"]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toMatch(/^awsblog: "dlq" needs a subcommand: inspect, .* — see awsblog dlq --help\n$/);
    const help = await awsblog(["help", "dlq"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: awsblog dlq");
  });

  it("--version prints the package version", async () => {
    const run = await awsblog(["--version"]);
    expect(run.code).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it("prints no SDK maintenance warning on stderr", async () => {
    // A process: the SDK warns through process.emitWarning once per process, past the captured streams.
    const run = await runCli(["approve", "--token", "t", "--endpoint-url", "http://127.0.0.1:9"]);
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning/);
  });
});
