import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startCodePipelineDouble, type CodePipelineDouble, type PipelineSpec } from "../../../doubles/codepipeline/index.js";
import { createCodePipelineApi } from "../../../src/lib/aws/codepipeline.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { approvalPipeline, cli } from "./world.js";

/** Acting on runs: stop, retry, rollback, disable/enable, start with overrides, history — against the double. */
let double: CodePipelineDouble;
let run: ReturnType<typeof cli>;
beforeAll(async () => {
  double = await startCodePipelineDouble();
  run = cli(double);
});
afterAll(() => double.stop());
beforeEach(() => double.received.splice(0));

let n = 0;
const fresh = (prefix: string) => `${prefix}-${++n}`;
const ops = () => double.received.map((r) => r.op);
const oneLine = (stderr: string) => expect(stderr).toMatch(/^awsblog: [^\n]+ — [^\n]+\n$/);
/** Build → Beta → Prod; Beta's Deploy fails when asked. */
const threeStages = (name: string, failBeta = false, extra: Partial<PipelineSpec> = {}): PipelineSpec => ({
  name,
  ...extra,
  stages: [
    { name: "Source", actions: [{ name: "Source", category: "Source", provider: "CodeCommit" }] },
    { name: "Beta", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation", fails: failBeta }, { name: "Smoke", category: "Test", provider: "CodeBuild" }] },
    { name: "Prod", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation" }] },
  ],
});
/** The real API over the double with some answers replaced: a stale view, as in a race with another user. */
async function apiWith(overrides: Record<string, unknown>) {
  const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: double.url, userAgent: { name: "awsblog", version: "test" } });
  const real = await createCodePipelineApi(aws);
  return { codepipeline: async () => ({ ...real, ...overrides }) };
}

describe("pipeline stop", () => {
  it("stops the run in progress (actions finish first), then --abandon; each checked before the call", async () => {
    const name = fresh("stop");
    double.addPipeline(approvalPipeline(name));
    const id = double.start(name);
    double.runUntilBlocked(id); // waiting at the approval
    const first = await run(["pipeline", "stop", name, "--reason", "bad config in QA", "-o", "json"]);
    expect(first.code).toBe(0);
    expect(first.json()).toEqual({ pipeline: name, executionId: id, mode: "wait", reason: "bad config in QA" });
    expect(double.calls("StopPipelineExecution")).toEqual([{ pipelineName: name, pipelineExecutionId: id, abandon: false, reason: "bad config in QA" }]);
    expect(double.execution(id).status).toBe("Stopping");

    double.received.splice(0);
    const again = await run(["pipeline", "stop", name, "--execution-id", id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`awsblog: ${id} of ${name} is already stopping — wait for its running actions, or pass --abandon to abandon them\n`);
    expect(ops()).toEqual(["GetPipelineExecution"]);

    const abandon = await run(["pipeline", "stop", name, "--execution-id", id, "--abandon", "-o", "json"]);
    expect(abandon.code).toBe(0);
    expect(double.calls("StopPipelineExecution").at(-1)).toEqual({ pipelineName: name, pipelineExecutionId: id, abandon: true });
    expect(double.execution(id).status).toBe("Stopped");

    double.received.splice(0);
    const over = await run(["pipeline", "stop", name]);
    expect(over.code).toBe(1);
    expect(over.stderr).toBe(`awsblog: nothing is running in pipeline ${name} — \`awsblog pipeline history ${name}\` shows its recent runs\n`);
    expect(ops()).toEqual(["ListPipelineExecutions"]);
  });

  it("several runs in progress and no --execution-id: exit 2 listing them; AWS's own refusals are one line with what to do", async () => {
    const name = fresh("stop");
    double.addPipeline(threeStages(name));
    const a = double.start(name);
    const b = double.start(name);
    const several = await run(["pipeline", "stop", name]);
    expect(several.code).toBe(2);
    expect(several.stderr).toBe(`awsblog: 2 runs of ${name} are in progress: ${b}, ${a} — choose one with --execution-id\n`);
    expect(double.calls("StopPipelineExecution")).toHaveLength(0);

    // Busy (ConflictException), then a run that ended between our look and our call.
    double.setBusy(name, true);
    const busy = await run(["pipeline", "stop", name, "--execution-id", a]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe(`awsblog: CodePipeline StopPipelineExecution failed: ConflictException (pipeline ${name} is busy with another change) — try again in a minute\n`);
    double.setBusy(name, false);
    await run(["pipeline", "stop", name, "--execution-id", a, "--abandon"]);
    const stale = await run(["pipeline", "stop", name, "--execution-id", a], {
      services: await apiWith({ getPipelineExecution: async () => ({ executionId: a, status: "InProgress" }) }),
    });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe(
      `awsblog: CodePipeline StopPipelineExecution failed: PipelineExecutionNotStoppableException (${a} of ${name} cannot be stopped: it is no longer in progress) — \`awsblog pipeline history ${name}\` shows how it ended\n`,
    );
    const duplicate = await run(["pipeline", "stop", name, "--execution-id", b], {
      services: await apiWith({ getPipelineExecution: async () => ({ executionId: b, status: "InProgress" }) }),
    });
    expect(duplicate.code).toBe(0); // first stop-and-wait of b
    const twice = await run(["pipeline", "stop", name, "--execution-id", b], {
      services: await apiWith({ getPipelineExecution: async () => ({ executionId: b, status: "InProgress" }) }),
    });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/DuplicatedStopRequestException \(\S+ of stop-\d+ is already stopping\) — wait for its running actions, or pass --abandon/);
  });

  it("a throttled stop is retried (AWS answers ThrottlingException before acting) and lands once", async () => {
    const name = fresh("stop");
    double.addPipeline(threeStages(name));
    const id = double.start(name);
    const probe = await run(["pipeline", "stop", name, "--execution-id", id, "--abandon"], {
      services: await apiWith({ getPipelineExecution: async () => (double.throttleNext(1), { executionId: id, status: "InProgress" }) }),
    });
    expect(probe.code).toBe(0);
    expect(double.calls("StopPipelineExecution")).toHaveLength(1);
    expect(double.execution(id).status).toBe("Stopped");
  });
});

describe("pipeline retry", () => {
  it("retries the failed actions of a failed stage, or all of them; a stage that did not fail is refused before the call", async () => {
    const name = fresh("retry");
    const spec = threeStages(name, true);
    double.addPipeline(spec);
    const id = double.start(name);
    double.runUntilBlocked(id);
    expect(double.execution(id).status).toBe("Failed");

    const notFailed = await run(["pipeline", "retry", name, "--stage", "Source"]);
    expect(notFailed.code).toBe(1);
    expect(notFailed.stderr).toBe(`awsblog: stage Source of ${name} is Succeeded, not Failed: nothing to retry — \`awsblog pipeline status ${name}\` shows each stage\n`);
    const missing = await run(["pipeline", "retry", name, "--stage", "Gamma"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`awsblog: pipeline ${name} has no stage Gamma — its stages: Source, Beta, Prod\n`);
    expect(double.calls("RetryStageExecution")).toHaveLength(0);

    spec.stages[1]!.actions[0]!.fails = false; // the fix landed
    const retried = await run(["pipeline", "retry", name, "--stage", "Beta", "-o", "json"]);
    expect(retried.code).toBe(0);
    expect(retried.json()).toEqual({ pipeline: name, stage: "Beta", executionId: id, retryMode: "FAILED_ACTIONS" });
    expect(double.calls("RetryStageExecution")).toEqual([{ pipelineName: name, stageName: "Beta", pipelineExecutionId: id, retryMode: "FAILED_ACTIONS" }]);
    expect(double.execution(id)).toEqual({ status: "InProgress", stage: "Beta", action: "Deploy" });
    double.runUntilBlocked(id);
    expect(double.execution(id).status).toBe("Succeeded");

    spec.stages[2]!.actions[0]!.fails = true;
    const other = double.start(name);
    double.runUntilBlocked(other);
    const all = await run(["pipeline", "retry", name, "--stage", "Prod", "--all-actions", "-o", "json"]);
    expect(all.json()).toMatchObject({ retryMode: "ALL_ACTIONS", executionId: other });
  });

  it("AWS's StageNotRetryableException (the stage changed since we looked) is one line with what to do", async () => {
    const name = fresh("retry");
    double.addPipeline(threeStages(name));
    const id = double.start(name);
    double.runUntilBlocked(id); // Succeeded: nothing to retry, but our view says Failed
    const stale = await run(["pipeline", "retry", name, "--stage", "Beta"], {
      services: await apiWith({ getPipelineState: async () => [{ name: "Beta", status: "Failed", executionId: id, actions: [] }] }),
    });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe(
      `awsblog: CodePipeline RetryStageExecution failed: StageNotRetryableException (Beta of ${name} cannot be retried: it has no failed actions, or the pipeline changed since it failed) — see \`awsblog pipeline status ${name}\`; start a new run with \`awsblog pipeline start ${name}\`\n`,
    );
  });
});

describe("pipeline rollback", () => {
  it("defaults to the latest earlier run the stage succeeded in; refuses the current run and a running stage before calling", async () => {
    const name = fresh("rollback");
    const spec = threeStages(name);
    double.addPipeline(spec);
    const first = double.start(name);
    double.runUntilBlocked(first);
    spec.stages[2]!.actions[0]!.fails = true;
    const broken = double.start(name); // fails in Prod
    double.runUntilBlocked(broken);
    spec.stages[2]!.actions[0]!.fails = false;
    const second = double.start(name);
    double.runUntilBlocked(second);

    const result = await run(["pipeline", "rollback", name, "--stage", "Prod", "-o", "json"]);
    expect(result.code).toBe(0);
    const doc = result.json<{ executionId: string }>();
    expect(doc).toEqual({ pipeline: name, stage: "Prod", targetExecutionId: first, executionId: expect.any(String) });
    expect(double.calls("ListPipelineExecutions")).toEqual([{ pipelineName: name, maxResults: 100, filter: { succeededInStage: { stageName: "Prod" } } }]);
    expect(double.calls("RollbackStage")).toEqual([{ pipelineName: name, stageName: "Prod", targetPipelineExecutionId: first }]);
    expect(double.execution(doc.executionId)).toMatchObject({ status: "InProgress", stage: "Prod" });

    double.received.splice(0);
    const running = await run(["pipeline", "rollback", name, "--stage", "Prod"]);
    expect(running.code).toBe(1);
    expect(running.stderr).toMatch(/^awsblog: stage Prod of rollback-\d+ is running — wait for it to end/);
    double.runUntilBlocked(doc.executionId);
    expect(double.execution(doc.executionId).status).toBe("Succeeded");

    const current = await run(["pipeline", "rollback", name, "--stage", "Prod", "--to-execution", doc.executionId]);
    expect(current.code).toBe(1);
    expect(current.stderr).toContain("is the run stage Prod already has");
    const failedThere = await run(["pipeline", "rollback", name, "--stage", "Prod", "--to-execution", broken]);
    expect(failedThere.code).toBe(1);
    expect(failedThere.stderr).toMatch(new RegExp(`^awsblog: stage Prod did not succeed in ${broken} `));
    expect(double.calls("RollbackStage")).toHaveLength(0);

    // The history shows the rollback run and its trigger.
    const history = await run(["pipeline", "history", name, "-o", "json"]);
    expect(history.json<{ executions: { executionId: string; trigger: string; failedStage?: string }[] }>().executions.map((e) => [e.executionId, e.trigger, e.failedStage])).toEqual([
      [doc.executionId, "ManualRollback", undefined],
      [second, "StartPipelineExecution", undefined],
      [broken, "StartPipelineExecution", "Prod"],
      [first, "StartPipelineExecution", undefined],
    ]);
  });
});

describe("pipeline disable / enable", () => {
  it("a disabled transition holds runs with its reason; enable lets them go on", async () => {
    const name = fresh("gate");
    double.addPipeline(threeStages(name));
    const result = await run(["pipeline", "disable", name, "--stage", "Prod", "--reason", "Freeze until Monday (release 42)", "-o", "json"]);
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({ pipeline: name, stage: "Prod", transition: "Inbound", enabled: false, reason: "Freeze until Monday (release 42)" });
    expect(double.calls("DisableStageTransition")).toEqual([{ pipelineName: name, stageName: "Prod", transitionType: "Inbound", reason: "Freeze until Monday (release 42)" }]);
    const id = double.start(name);
    double.runUntilBlocked(id);
    expect(double.execution(id).status).toBe("InProgress"); // held before Prod
    const status = await run(["pipeline", "status", name]);
    expect(status.stdout).toContain(`transition into Prod is disabled: Freeze until Monday (release 42) — awsblog pipeline enable ${name} --stage Prod`);

    const enabled = await run(["pipeline", "enable", name, "--stage", "Prod", "-o", "json"]);
    expect(enabled.json()).toEqual({ pipeline: name, stage: "Prod", transition: "Inbound", enabled: true });
    expect(double.calls("EnableStageTransition")).toEqual([{ pipelineName: name, stageName: "Prod", transitionType: "Inbound" }]);
    double.runUntilBlocked(id);
    expect(double.execution(id).status).toBe("Succeeded");

    const defaulted = await run(["pipeline", "disable", name, "--stage", "Beta", "--outbound"]);
    expect(defaulted.code).toBe(0);
    expect(double.calls("DisableStageTransition").at(-1)).toEqual({ pipelineName: name, stageName: "Beta", transitionType: "Outbound", reason: "Disabled with awsblog" });
  });

  it("what AWS would refuse is refused first: a reason with other characters, both directions, no such transition or stage", async () => {
    const name = fresh("gate");
    double.addPipeline(threeStages(name));
    for (const [args, message] of [
      [["--stage", "Prod", "--reason", "freeze, please"], `--reason "freeze, please" has characters CodePipeline refuses`],
      [["--stage", "Prod", "--reason", "x".repeat(301)], "--reason must be 1–300 characters (got 301)"],
      [["--stage", "Prod", "--inbound", "--outbound"], "--inbound and --outbound cannot be used together"],
      [["--stage", "Source"], `stage Source is the first stage of ${name}: nothing transitions into it`],
      [["--stage", "Prod", "--outbound"], `stage Prod is the last stage of ${name}: nothing transitions out of it`],
      [["--stage", "Gamma"], `pipeline ${name} has no stage Gamma`],
    ] as const) {
      const result = await run(["pipeline", "disable", name, ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(`awsblog: ${message} — `);
      oneLine(result.stderr);
    }
    expect(double.calls("DisableStageTransition")).toHaveLength(0);
  });
});

describe("pipeline start with source revisions and variables", () => {
  it("V2: the variables and revisions reach StartPipelineExecution; the history shows the revision", async () => {
    const name = fresh("v2");
    double.addPipeline(threeStages(name, false, { pipelineType: "V2", variables: [{ name: "DeployEnv", defaultValue: "beta" }, { name: "Ticket" }] }));
    const result = await run(["pipeline", "start", name, "--source-revision", "Source=COMMIT_ID:3f2a9c1d", "--variable", "DeployEnv=staging", "--variable", "Ticket=OPS-7", "-o", "json"]);
    expect(result.code).toBe(0);
    expect(double.calls("StartPipelineExecution")).toEqual([
      {
        name,
        clientRequestToken: expect.any(String),
        variables: [{ name: "DeployEnv", value: "staging" }, { name: "Ticket", value: "OPS-7" }],
        sourceRevisions: [{ actionName: "Source", revisionType: "COMMIT_ID", revisionValue: "3f2a9c1d" }],
      },
    ]);
    const history = await run(["pipeline", "history", name]);
    expect(history.stdout.split("\n")[1]).toMatch(/^\S+\s+InProgress\s+StartPipelineExecution\s+Source=3f2a9c1d\s+0s ago\s+0s$/);
  });

  it("V1 given variables, an undeclared variable or a non-source action: exit 2 after GetPipeline, nothing started", async () => {
    const v1 = fresh("v1");
    double.addPipeline(threeStages(v1, false, { pipelineType: "V1" }));
    const v2 = fresh("v2");
    double.addPipeline(threeStages(v2, false, { pipelineType: "V2", variables: [{ name: "DeployEnv" }] }));
    for (const [args, message] of [
      [[v1, "--variable", "DeployEnv=prod"], `pipeline ${v1} is V1: only V2 pipelines take variables`],
      [[v2, "--variable", "Region=eu"], `pipeline ${v2} declares no variable Region — its variables: DeployEnv`],
      [[v2, "--source-revision", "Beta=COMMIT_ID:abc"], `pipeline ${v2} has no source action Beta — its source actions: Source`],
    ] as const) {
      const result = await run(["pipeline", "start", ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(`awsblog: ${message}`);
      oneLine(result.stderr);
    }
    expect(ops().every((op) => op === "GetPipeline")).toBe(true);
    // Malformed values never reach AWS.
    for (const bad of [["--variable", "novalue"], ["--variable", "a=1", "--variable", "a=2"], ["--source-revision", "Source=SHA:abc"], ["--source-revision", "Source"]]) {
      const result = await run(["pipeline", "start", v2, ...bad]);
      expect(result.code, bad.join(" ")).toBe(2);
      oneLine(result.stderr);
    }
    expect(double.calls("StartPipelineExecution")).toHaveLength(0);
  });
});

describe("pipeline history", () => {
  it("pages ListPipelineExecutions up to --max, newest first, with durations and the failed stage", async () => {
    const name = fresh("history");
    const spec = threeStages(name);
    double.addPipeline(spec);
    for (let i = 0; i < 102; i++) double.runUntilBlocked(double.start(name));
    spec.stages[1]!.actions[1]!.fails = true;
    const failed = double.start(name);
    double.runUntilBlocked(failed);
    double.received.splice(0);
    const result = await run(["pipeline", "history", name, "--max", "103", "-o", "json"]);
    expect(result.code).toBe(0);
    const doc = result.json<{ executions: Record<string, unknown>[] }>();
    expect(doc.executions).toHaveLength(103);
    expect(doc.executions[0]).toEqual({
      executionId: failed,
      status: "Failed",
      trigger: "StartPipelineExecution",
      sourceRevisions: [{ action: "Source", revisionId: expect.stringMatching(/^[0-9a-f]{32}$/), summary: "commit message" }],
      startTime: expect.any(String),
      durationSeconds: 3,
      failedStage: "Beta",
    });
    expect(double.calls("ListPipelineExecutions").map((b) => [b.maxResults, b.nextToken])).toEqual([
      [100, undefined],
      [3, "100"],
    ]);
    expect(double.calls("ListActionExecutions")).toHaveLength(1); // only the failed run is looked into

    const text = await run(["pipeline", "history", name, "--max", "2"]);
    const lines = text.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^EXECUTION\s+STATUS\s+TRIGGER\s+SOURCE\s+STARTED\s+DURATION\s+FAILED STAGE$/);
    expect(lines[1]).toMatch(new RegExp(`^${failed}\\s+Failed\\s+StartPipelineExecution\\s+Source=[0-9a-f]{12}\\s+\\d+s ago\\s+3s\\s+Beta$`));
    expect(lines).toHaveLength(3);
  });

  it("bad input is exit 2 before any call", async () => {
    for (const args of [["history", "p", "--max", "0"], ["retry", "p"], ["retry", "p", "--stage", "bad/name"], ["rollback", "p", "--stage", "S", "--to-execution", "nope"], ["stop", "p", "--reason", "x".repeat(201)]]) {
      const result = await run(["pipeline", ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      oneLine(result.stderr);
    }
    expect(double.received).toHaveLength(0);
  });
});
