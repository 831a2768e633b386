import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCodePipelineDouble, type CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { awsblog } from "../../helpers/in-process.js";
import { approvalPipeline } from "./world.js";

/**
 * What a CI job runs against CodePipeline (the double): plain argv and environment, the
 * wall clock and real sleeps, JSON on stdout and the contract's exit codes.
 */
let double: CodePipelineDouble;
beforeAll(async () => {
  double = await startCodePipelineDouble();
});
afterAll(() => double.stop());

describe("pipeline commands as a CI job runs them", () => {
  it("approve --pipeline and pipeline status as a CI job runs them, with the contract's exit codes", async () => {
    double.addPipeline(approvalPipeline("built"));
    const id = double.start("built");
    double.runUntilBlocked(id);
    const env = { AWS_ENDPOINT_URL_CODEPIPELINE: double.url };
    const status = await awsblog(["pipeline", "status", "built", "-o", "json"], { env });
    expect(status.code).toBe(0);
    expect(status.json<{ pendingApprovals: unknown[] }>().pendingApprovals).toHaveLength(1);
    const approve = await awsblog(["approve", "--pipeline", "built", "-o", "json"], { env });
    expect(approve.code).toBe(0);
    expect(approve.json()).toEqual({ action: "approve", ok: true, pipeline: "built", stage: "QA", actionName: "QASignOff" });
    const again = await awsblog(["approve", "--pipeline", "built"], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^awsblog: no manual approval is waiting in pipeline built — /);
  });

  it("pipeline approvals, and start --wait as a CI job runs it: one JSON document, exit 0 on Succeeded", async () => {
    const env = { AWS_ENDPOINT_URL_CODEPIPELINE: double.url };
    double.addPipeline(approvalPipeline("ci-wait"));
    const waiting = double.start("ci-wait");
    double.runUntilBlocked(waiting);
    const approvals = await awsblog(["pipeline", "approvals", "-o", "json"], { env });
    expect(approvals.code).toBe(0);
    expect(approvals.json<{ approvals: { pipeline: string }[] }>().approvals.map((a) => a.pipeline)).toContain("ci-wait");

    // The double moves a run one action on per GetPipelineExecution; polls 1 s apart.
    const moving = await startCodePipelineDouble({ advanceOnPoll: true });
    try {
      moving.addPipeline({ name: "ci", stages: [{ name: "Build", actions: [{ name: "Build" }] }, { name: "Deploy", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation" }] }] });
      const run = await awsblog(["pipeline", "start", "ci", "--wait", "--interval", "1", "--timeout", "60", "-o", "json"], { env: { AWS_ENDPOINT_URL_CODEPIPELINE: moving.url } });
      expect(run.code).toBe(0);
      expect(run.json()).toEqual({ pipeline: "ci", executionId: expect.any(String), status: "Succeeded", consoleUrl: expect.stringMatching(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/codesuite\/codepipeline\/pipelines\/ci\/executions\//) });
      expect(run.stderr).toContain("ci: Deploy InProgress");
      expect(moving.calls("StartPipelineExecution")).toHaveLength(1);
    } finally {
      await moving.stop();
    }
  });
});
