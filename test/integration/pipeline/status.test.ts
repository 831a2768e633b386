import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodePipelineApi } from "../../../src/lib/aws/codepipeline.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { AwsError } from "../../../src/lib/errors.js";
import { startCodePipelineDouble, type CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { approvalPipeline, cli, postPipeline } from "./world.js";

let double: CodePipelineDouble;
let run: ReturnType<typeof cli>;
beforeAll(async () => {
  double = await startCodePipelineDouble({ pageSize: 2 });
  run = cli(double);
});
afterAll(() => double.stop());

describe("pipeline status", () => {
  it("JSON per contract: stages, actions with status and summary, the approval waiting", async () => {
    double.addPipeline(approvalPipeline("status-json"));
    const id = double.start("status-json");
    double.runUntilBlocked(id);
    double.clock.advance(180_000);
    double.received.splice(0);
    const result = await run(["pipeline", "status", "status-json", "-o", "json"]);
    expect(result.code).toBe(0);
    expect(double.received.map((r) => r.op)).toEqual(["GetPipelineState", "GetPipeline", "ListActionExecutions"]);
    const doc = result.json<Record<string, unknown>>();
    expect(doc).toEqual({
      pipeline: "status-json",
      stages: [
        { name: "Build", status: "Succeeded", executionId: id, actions: [{ name: "Build", status: "Succeeded", lastStatusChange: expect.any(String) }] },
        { name: "QA", status: "InProgress", executionId: id, actions: [{ name: "QASignOff", status: "InProgress", lastStatusChange: expect.any(String) }] },
        { name: "Release", status: null, actions: [{ name: "Deploy", status: null }] },
      ],
      pendingApprovals: [{ stage: "QA", action: "QASignOff", since: expect.stringMatching(/^2026-12-01T12:00:01/), executionId: id }],
      failedActions: [],
    });
  });

  it("the text table shows stage/action/status/age; values from AWS cannot drive the terminal", async () => {
    double.addPipeline(approvalPipeline("status-text"));
    const id = double.start("status-text");
    double.runUntilBlocked(id);
    // A reviewer's summary with escape sequences (window title, screen clear) comes back in the state.
    const approved = await run(["approve", "--pipeline", "status-text", "--summary", "ok\u001b]0;pwned\u0007\u001b[2J by ana"]);
    expect(approved.code).toBe(0);
    double.clock.advance(600_000);
    const result = await run(["pipeline", "status", "status-text"]);
    expect(result.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^STAGE\s+ACTION\s+STATUS\s+AGE\s+SUMMARY$/);
    expect(lines).toContainEqual(expect.stringMatching(/^QA\s+QASignOff\s+Succeeded\s+10m\s+ok by ana$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Release\s+Deploy\s+InProgress\s+10m$/));
  });

  it("a pipeline that does not exist: exit 1 naming PipelineNotFoundException, with a hint", async () => {
    const result = await run(["pipeline", "status", "nope"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: CodePipeline Get\w+ failed: PipelineNotFoundException \(no pipeline named nope in this account and region\) — check the name/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("pipeline approvals", () => {
  it("lists every approval waiting across the region's pipelines with the reviewer's message and link", async () => {
    const fresh = await startCodePipelineDouble({ pageSize: 2 });
    try {
      const post = postPipeline("TimeService");
      // Skip the test jobs: a short Prod-only variant of the post's pipeline.
      post.stages = post.stages.filter((s) => ["Source", "Prod"].includes(s.name));
      fresh.addPipeline(post);
      fresh.addPipeline(approvalPipeline("web"));
      fresh.addPipeline(approvalPipeline("idle"));
      fresh.addPipeline(approvalPipeline("parallel", false, "PARALLEL"));
      const a = fresh.start("web");
      fresh.runUntilBlocked(a);
      fresh.clock.advance(3_600_000);
      const b = fresh.start("TimeService");
      fresh.runUntilBlocked(b);
      const c = fresh.start("parallel");
      fresh.runUntilBlocked(c);
      fresh.clock.advance(60_000);

      const json = await cli(fresh)(["pipeline", "approvals", "-o", "json"]);
      expect(json.code).toBe(0);
      expect(json.json()).toEqual({
        approvals: [
          { pipeline: "web", stage: "QA", action: "QASignOff", executionId: a, since: expect.any(String) },
          {
            pipeline: "TimeService",
            stage: "Prod",
            action: "ApproveProd",
            executionId: b,
            since: expect.any(String),
            customData: "Check the Gamma dashboard before approving",
            externalEntityLink: "https://example.com/gamma",
          },
          { pipeline: "parallel", stage: "QA", action: "QASignOff", executionId: c, since: expect.any(String) },
        ],
        errors: [],
      });
      // ListPipelines was paged (page size 2 → 2 calls).
      expect(fresh.calls("ListPipelines")).toHaveLength(2);

      const text = await cli(fresh)(["pipeline", "approvals"]);
      const lines = text.stdout.trim().split("\n");
      expect(lines[0]).toMatch(/^PIPELINE\s+STAGE\s+ACTION\s+AGE\s+MESSAGE\s+LINK$/);
      expect(lines[1]).toMatch(/^web\s+QA\s+QASignOff\s+61m/);
      expect(lines[2]).toMatch(/^TimeService\s+Prod\s+ApproveProd\s+61s\s+Check the Gamma dashboard before approving\s+https:\/\/example.com\/gamma$/);
    } finally {
      await fresh.stop();
    }
  });

  it("a pipeline that cannot be read is listed under errors (exit 4); the others are still shown", async () => {
    const partial = await startCodePipelineDouble();
    try {
      partial.addPipeline(approvalPipeline("ok-pipe"));
      partial.addPipeline(approvalPipeline("locked"));
      partial.runUntilBlocked(partial.start("ok-pipe"));
      const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: partial.url, userAgent: { name: "awsblog", version: "test" } });
      const real = await createCodePipelineApi(aws);
      const result = await cli(partial)(["pipeline", "approvals", "-o", "json"], {
        services: {
          codepipeline: async () => ({
            ...real,
            async getPipeline(name) {
              if (name === "locked") throw new AwsError("CodePipeline", "GetPipeline", "AccessDeniedException", "not authorized", "check the IAM permissions of these credentials");
              return real.getPipeline(name);
            },
          }),
        },
      });
      expect(result.code).toBe(4);
      const doc = result.json<{ approvals: { pipeline: string }[]; errors: { pipeline: string; error: string }[] }>();
      expect(doc.approvals.map((a) => a.pipeline)).toEqual(["ok-pipe"]);
      expect(doc.errors).toEqual([{ pipeline: "locked", error: "CodePipeline GetPipeline failed: AccessDeniedException (not authorized) — check the IAM permissions of these credentials" }]);
      expect(result.stderr).toContain("warning: locked: CodePipeline GetPipeline failed: AccessDeniedException");
    } finally {
      await partial.stop();
    }
  });

  it("none waiting is exit 0 and says so", async () => {
    const empty = await startCodePipelineDouble();
    try {
      empty.addPipeline(approvalPipeline("quiet"));
      const result = await cli(empty)(["pipeline", "approvals"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("no approvals waiting in 1 pipeline(s)\n");
    } finally {
      await empty.stop();
    }
  });
});
