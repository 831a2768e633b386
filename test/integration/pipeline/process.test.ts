import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli, testEnv } from "../../helpers/cli.js";
import { startCodePipelineDouble, type CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { approvalPipeline } from "./world.js";

/**
 * The built CLI as a process (`npm run build` first): what a CI job runs, and Ctrl-C typed at a
 * terminal while the live stage view (an ora spinner, which puts stdin in raw mode) is showing.
 */
const PTY = fileURLToPath(new URL("./pty-ctrl-c.py", import.meta.url));
const built = existsSync(fileURLToPath(new URL("../../../dist/cli.js", import.meta.url)));

let double: CodePipelineDouble;
beforeAll(async () => {
  double = await startCodePipelineDouble();
});
afterAll(() => double.stop());

describe.skipIf(!built)("the built CLI against the CodePipeline double", () => {
  it("approve --pipeline and pipeline status run from the built CLI with the contract's exit codes", async () => {
    double.addPipeline(approvalPipeline("built"));
    const id = double.start("built");
    double.runUntilBlocked(id);
    const env = { AWS_ENDPOINT_URL_CODEPIPELINE: double.url };
    const status = await runCli(["pipeline", "status", "built", "-o", "json"], { env });
    expect(status.code).toBe(0);
    expect(status.json<{ pendingApprovals: unknown[] }>().pendingApprovals).toHaveLength(1);
    const approve = await runCli(["approve", "--pipeline", "built", "-o", "json"], { env });
    expect(approve.code).toBe(0);
    expect(approve.json()).toEqual({ action: "approve", ok: true, pipeline: "built", stage: "QA", actionName: "QASignOff" });
    const again = await runCli(["approve", "--pipeline", "built"], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^awsblog: no manual approval is waiting in pipeline built — /);
  });

  it("pipeline approvals, and start --wait as a CI job runs it: one JSON document, exit 0 on Succeeded", async () => {
    const env = { AWS_ENDPOINT_URL_CODEPIPELINE: double.url };
    double.addPipeline(approvalPipeline("ci-wait"));
    const waiting = double.start("ci-wait");
    double.runUntilBlocked(waiting);
    const approvals = await runCli(["pipeline", "approvals", "-o", "json"], { env });
    expect(approvals.code).toBe(0);
    expect(approvals.json<{ approvals: { pipeline: string }[] }>().approvals.map((a) => a.pipeline)).toContain("ci-wait");

    // The double moves a run one action on per GetPipelineExecution; polls 1 s apart.
    const moving = await startCodePipelineDouble({ advanceOnPoll: true });
    try {
      moving.addPipeline({ name: "ci", stages: [{ name: "Build", actions: [{ name: "Build" }] }, { name: "Deploy", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation" }] }] });
      const run = await runCli(["pipeline", "start", "ci", "--wait", "--interval", "1", "--timeout", "60", "-o", "json"], { env: { AWS_ENDPOINT_URL_CODEPIPELINE: moving.url } });
      expect(run.code).toBe(0);
      expect(run.json()).toEqual({ pipeline: "ci", executionId: expect.any(String), status: "Succeeded" });
      expect(run.stderr).toContain("ci: Deploy InProgress");
      expect(moving.calls("StartPipelineExecution")).toHaveLength(1);
    } finally {
      await moving.stop();
    }
  });

  it("Ctrl-C at a terminal while the stage view spins: exit 130 at once, the run goes on", async () => {
    double.addPipeline(approvalPipeline("tty"));
    const id = double.start("tty");
    double.runUntilBlocked(id);
    const spec = { argv: [process.execPath, BIN, "pipeline", "watch", "tty"], until: "approve with:" };
    // Not spawnSync: the double answers from this process's event loop.
    const child = spawn("python3", [PTY, JSON.stringify(spec)], { env: testEnv({ TERM: "xterm", AWS_ENDPOINT_URL_CODEPIPELINE: double.url }) });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    await new Promise((resolve) => child.on("close", resolve));
    const result = JSON.parse(stdout) as { output: string; code: number | string; found: boolean; seconds_after_ctrl_c: number };
    expect(result.found).toBe(true);
    expect(result.output).toContain("waiting for approval at QA/QASignOff");
    expect(result.output).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\S* tty InProgress: Build ✓ {2}QA ⟳ QASignOff/); // the spinner was up
    // "killed" means Ctrl-C was swallowed: the spinner put stdin in raw mode and nobody read it
    // (ora's discardStdin; the output layer must create spinners with discardStdin: false).
    expect(result.code, result.output.slice(-400)).toBe(130);
    expect(result.seconds_after_ctrl_c).toBeLessThan(3); // not the rest of a 5 s poll interval
    expect(result.output).toContain("stopped watching");
    expect(double.execution(id).status).toBe("InProgress");
  }, 40_000);
});
