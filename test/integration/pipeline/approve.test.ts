import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCodePipelineApi } from "../../../src/lib/aws/codepipeline.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { startCodePipelineDouble, type CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { approvalPipeline, cli, postPipeline } from "./world.js";

let double: CodePipelineDouble;
let run: ReturnType<typeof cli>;
beforeAll(async () => {
  double = await startCodePipelineDouble();
  run = cli(double);
});
afterAll(() => double.stop());

let n = 0;
const fresh = () => `pipe-${++n}`;

describe("approve / reject --pipeline", () => {
  beforeEach(() => double.received.splice(0));

  it("approve finds the waiting approval, sends its token, stage, action and default summary", async () => {
    const name = fresh();
    double.addPipeline(approvalPipeline(name));
    const id = double.start(name);
    double.runUntilBlocked(id);
    const result = await run(["approve", "--pipeline", name, "-o", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({ action: "approve", ok: true, pipeline: name, stage: "QA", actionName: "QASignOff" });
    const sent = double.calls("PutApprovalResult");
    expect(sent).toHaveLength(1);
    const state = double.calls("GetPipelineState");
    expect(state).toHaveLength(1);
    expect(sent[0]).toMatchObject({ pipelineName: name, stageName: "QA", actionName: "QASignOff", result: { status: "Approved", summary: "Approved via awsblog" } });
    expect(typeof sent[0]!.token).toBe("string");
    expect(double.execution(id)).toMatchObject({ status: "InProgress", stage: "Release" });
  });

  it("reject sends Rejected with the given summary and the execution fails", async () => {
    const name = fresh();
    double.addPipeline(approvalPipeline(name));
    const id = double.start(name);
    double.runUntilBlocked(id);
    const result = await run(["reject", "--pipeline", name, "--summary", "error rate too high in Gamma"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rejected: .* QA\/QASignOff/);
    expect(double.calls("PutApprovalResult")[0]).toMatchObject({ result: { status: "Rejected", summary: "error rate too high in Gamma" } });
    expect(double.execution(id).status).toBe("Failed");
  });

  it("none waiting → exit 1 saying so, nothing sent", async () => {
    const name = fresh();
    double.addPipeline(approvalPipeline(name));
    double.start(name); // still in Build
    const result = await run(["approve", "--pipeline", name]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: no manual approval is waiting in pipeline pipe-\d+ — run `awsblog pipeline status/);
    expect(double.calls("PutApprovalResult")).toHaveLength(0);
  });

  it("several waiting and none chosen → exit 2 listing them; --stage picks one", async () => {
    const name = fresh();
    const spec = approvalPipeline(name);
    spec.stages.push({ name: "Prod", actions: [{ name: "ApproveProd", category: "Approval", provider: "Manual" }] });
    double.addPipeline(spec);
    const older = double.start(name);
    double.runUntilBlocked(older);
    expect((await run(["approve", "--pipeline", name, "--stage", "QA"])).code).toBe(0);
    double.runUntilBlocked(older); // Release, then waits in Prod
    const newer = double.start(name);
    double.runUntilBlocked(newer); // waits in QA
    double.received.splice(0);

    const ambiguous = await run(["approve", "--pipeline", name]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^awsblog: 2 approvals are waiting in pipe-\d+: QA\/QASignOff, Prod\/ApproveProd — choose one with --stage and --action\n$/);
    expect(double.calls("PutApprovalResult")).toHaveLength(0);

    const chosen = await run(["approve", "--pipeline", name, "--stage", "Prod", "--action", "ApproveProd", "-o", "json"]);
    expect(chosen.code).toBe(0);
    expect(chosen.json()).toMatchObject({ stage: "Prod", actionName: "ApproveProd" });
    expect(double.execution(older).status).toBe("Succeeded");
    expect(double.execution(newer)).toMatchObject({ status: "InProgress", stage: "QA" });
  });

  it("a superseded execution's leftover approval is never answered (stale-token guard)", async () => {
    const name = fresh();
    double.addPipeline(postPipeline(name));
    const old = double.start(name);
    double.runUntilBlocked(old);
    // Beta and Gamma run custom test actions: finish those jobs the way a worker would.
    for (;;) {
      const job = double.jobs.find((j) => j.pipeline === name && j.status === "Queued");
      if (!job) break;
      job.status = "InProgress";
      await fetch(double.url, {
        method: "POST",
        headers: { "x-amz-target": "CodePipeline_20150709.PutJobSuccessResult", "content-type": "application/x-amz-json-1.1" },
        body: JSON.stringify({ jobId: job.id }),
      });
      double.runUntilBlocked(old);
    }
    expect(double.execution(old)).toMatchObject({ stage: "Prod", action: "ApproveProd" });
    // A newer execution takes over Prod while GetPipelineState still shows the old approval.
    double.supersede(old, { leaveStaleApproval: true });
    double.received.splice(0);

    const result = await run(["approve", "--pipeline", name]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: the approval shown at Prod\/ApproveProd in pipe-\d+ belongs to an execution that was superseded or stopped .*nothing was sent — run `awsblog pipeline status/);
    expect(double.calls("PutApprovalResult")).toHaveLength(0);
    const status = await run(["pipeline", "status", name, "-o", "json"]);
    expect(status.json<{ pendingApprovals: unknown[] }>().pendingApprovals).toEqual([]);
  });

  it("PARALLEL mode: the token comes from ListActionExecutions; two runs waiting need --execution-id", async () => {
    const name = fresh();
    double.addPipeline(approvalPipeline(name, false, "PARALLEL"));
    const first = double.start(name);
    const second = double.start(name);
    double.runUntilBlocked(first);
    double.runUntilBlocked(second);
    double.received.splice(0);

    const ambiguous = await run(["approve", "--pipeline", name]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(`(execution ${second})`);
    expect(ambiguous.stderr).toContain("— choose one with --execution-id");

    const chosen = await run(["approve", "--pipeline", name, "--execution-id", first]);
    expect(chosen.code).toBe(0);
    const sent = double.calls("PutApprovalResult")[0]!;
    const listed = double.calls("ListActionExecutions");
    expect(listed.length).toBeGreaterThan(0);
    expect(typeof sent.token).toBe("string");
    expect(double.execution(first).stage).toBe("Release");
    expect(double.execution(second).stage).toBe("QA");
  });

  it("rejects bad input before any call (exit 2)", async () => {
    const cases: [string[], RegExp][] = [
      [["approve", "--pipeline", "bad name!"], /--pipeline "bad name!" is not a CodePipeline name — /],
      [["approve", "--pipeline", "p", "--summary", "x".repeat(513)], /--summary is 513 characters; CodePipeline accepts at most 512 — /],
      [["approve", "--pipeline", "p", "--token", "t"], /--pipeline cannot be combined with --token — /],
      [["reject", "--stage", "Prod"], /--stage needs --pipeline — /],
      [["reject", "--stage", "Prod", "--action", "Gate"], /--stage, --action need --pipeline — /],
      [["approve", "--pipeline", "p", "--stage", "\u001b[31mred"], /--stage "red" is not a CodePipeline name/],
      [["approve", "--pipeline", "p", "--summary", ""], /--summary is empty — /],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain("\u001b");
    }
    expect(double.received).toHaveLength(0);
  });

  it("decided by someone else between our lookup and our answer → exit 1 naming ApprovalAlreadyCompletedException", async () => {
    const name = fresh();
    double.addPipeline(approvalPipeline(name));
    const id = double.start(name);
    double.runUntilBlocked(id);
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: double.url, userAgent: { name: "awsblog", version: "test" } });
    const real = await createCodePipelineApi(aws);
    const result = await run(["approve", "--pipeline", name], {
      services: {
        codepipeline: async () => ({
          ...real,
          async putApprovalResult(input) {
            // A colleague approves in the console a moment before us, with the same token.
            await real.putApprovalResult({ ...input, summary: "approved in the console" });
            await real.putApprovalResult(input);
          },
        }),
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^awsblog: CodePipeline PutApprovalResult failed: ApprovalAlreadyCompletedException \(the approval was already decided \(approved, rejected or expired\)\) — run `awsblog pipeline status pipe-\d+` to see the outcome\n$/,
    );
    expect(double.calls("PutApprovalResult").map((b) => (b.result as { summary: string }).summary)).toEqual(["approved in the console", "Approved via awsblog"]);
  });

  it("an approval token the service no longer accepts → exit 1 naming InvalidApprovalTokenException", async () => {
    const name = fresh();
    double.addPipeline(approvalPipeline(name));
    const id = double.start(name);
    double.runUntilBlocked(id);
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: double.url, userAgent: { name: "awsblog", version: "test" } });
    const real = await createCodePipelineApi(aws);
    const result = await run(["reject", "--pipeline", name], {
      services: {
        codepipeline: async () => ({
          ...real,
          async putApprovalResult(input) {
            double.supersede(id); // the run is superseded between our lookup and our answer
            await real.putApprovalResult(input);
          },
        }),
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^awsblog: CodePipeline PutApprovalResult failed: InvalidApprovalTokenException \(the approval is no longer open: its execution moved on/);
  });
});
