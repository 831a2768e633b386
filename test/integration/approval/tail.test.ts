import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import type { ExecutionsApi, HistoryEventView, HistoryPage } from "../../../src/lib/aws/sfn.js";
import { AwsError } from "../../../src/lib/errors.js";
import { fakeApi } from "../../helpers/fake-api.js";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig, type Moto } from "../../helpers/moto.js";

const ROLE = "arn:aws:iam::123456789012:role/StatesExecutionRole";

/** One execution of a fresh state machine in a fresh moto (moto runs one execution per reset). */
async function execution(moto: Moto, states: object, startAt: string): Promise<{ stateMachineArn: string; executionArn: string }> {
  await moto.reset({ stepFunctions: true });
  const sfn = new SFNClient(motoClientConfig(moto.url));
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: "Promotion", definition: JSON.stringify({ StartAt: startAt, States: states }), roleArn: ROLE }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: "jim", input: '{"employeeName":"Jim"}' }));
  return { stateMachineArn: stateMachineArn!, executionArn: executionArn! };
}

type Line = { id: number; type: string; state: string | null; detail: string | null; details: Record<string, unknown> | null; timestamp: string };
const jsonLines = (stdout: string) => stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);

describeWithMoto("approval tail against moto's executions", (moto) => {
  const REJECTING = {
    Review: { Type: "Pass", Next: "Rejected" },
    Rejected: { Type: "Fail", Error: "Rejected", Cause: "over \u001b[2Jbudget" },
  };

  it("prints a finished execution's events, one readable line each: time, type, state, detail (terminal-safe)", async () => {
    const { executionArn } = await execution(moto(), REJECTING, "Review");
    let run;
    do run = await awsblog(["--endpoint-url", moto().url, "approval", "tail", executionArn]);
    while (!run.stdout.includes("ExecutionFailed")); // moto runs the execution beside the server: read until it has ended
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/).slice(1, 3).join(" "))).toEqual([
      "ExecutionStarted -",
      "PassStateEntered Review",
      "PassStateExited Review",
      "FailStateEntered Rejected",
      "ExecutionFailed -",
    ]);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}ExecutionStarted {11}- {2}\{"employeeName": ?"Jim"\}$/);
    expect(lines.at(-1)).toMatch(/ExecutionFailed +- {2}Rejected: over budget$/);
    expect(run.stdout).not.toContain("\u001b");
  });

  it("-o json: JSON Lines with the type, state, detail and AWS's own details of each event", async () => {
    const { executionArn } = await execution(moto(), REJECTING, "Review");
    let run;
    do run = await awsblog(["--endpoint-url", moto().url, "approval", "tail", executionArn, "-o", "json"]);
    while (!run.stdout.includes("ExecutionFailed"));
    const lines = jsonLines(run.stdout);
    expect(lines.map((l) => l.id)).toEqual([1, 2, 3, 4, 5]);
    expect(lines.at(-1)).toMatchObject({ type: "ExecutionFailed", state: null, detail: "Rejected: over \u001b[2Jbudget", details: { error: "Rejected", cause: "over \u001b[2Jbudget" } });
    expect(lines[1]).toMatchObject({ type: "PassStateEntered", state: "Review", details: { name: "Review", input: '{"employeeName":"Jim"}' } });
  });

  it("--follow prints new events as the execution goes on and stops when it ends (exit 0); --latest finds it", async () => {
    const { stateMachineArn, executionArn } = await execution(moto(), { Approval: { Type: "Wait", Seconds: 1, Next: "Approved" }, Approved: { Type: "Pass", Result: { approved: true }, End: true } }, "Approval");
    let calls: ReadonlyMap<string, number> = new Map();
    const run = await awsblog(["--endpoint-url", moto().url, "approval", "tail", "--latest", "--state-machine-arn", stateMachineArn, "--follow", "--interval", "1", "-o", "json"], {
      onCalls: (c) => (calls = c),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`newest execution: ${executionArn}`);
    expect(run.stderr).toContain("execution ended: ExecutionSucceeded");
    const lines = jsonLines(run.stdout);
    expect(lines.map((l) => l.type)).toEqual(["ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    expect(lines.map((l) => l.id)).toEqual([1, 2, 3, 4, 5, 6]); // each event once
    expect(lines.at(-1)!.detail).toBe('{"approved":true}');
    expect(calls.get("StepFunctions.ListExecutions")).toBe(1);
    expect(calls.get("StepFunctions.GetExecutionHistory")).toBeGreaterThanOrEqual(2);
  });

  it("Ctrl-C while following exits 130 after the events printed so far", async () => {
    const { executionArn } = await execution(moto(), { Approval: { Type: "Wait", Seconds: 3600, End: true } }, "Approval");
    const keys = interrupts();
    const run = await awsblog(["--endpoint-url", moto().url, "approval", "tail", executionArn, "--follow"], {
      interrupts: keys,
      services: { sleep: async () => keys.interrupt() }, // Ctrl-C while it waits for the next poll
    });
    expect(run.code).toBe(130);
    expect(run.stdout).toContain("ExecutionStarted");
    expect(run.stdout).not.toContain("ExecutionSucceeded");
  });

  it("an execution that does not exist: one line naming the AWS error and what to check, exit 1", async () => {
    await moto().reset({ stepFunctions: true });
    const run = await awsblog(["--endpoint-url", moto().url, "approval", "tail", "arn:aws:states:us-east-1:123456789012:execution:Promotion:nope"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: StepFunctions GetExecutionHistory failed: (ExecutionDoesNotExist|StateMachineDoesNotExist).* — check the ARN.*\n$/);
  });
});

describe("approval tail: what it asks for, before any call", () => {
  const sm = "arn:aws:states:us-east-1:123456789012:stateMachine:Promotion";
  const ex = "arn:aws:states:us-east-1:123456789012:execution:Promotion:jim";
  it.each([
    [[], /^awsblog: no execution given — pass the execution ARN/],
    [[ex, "--latest", "--state-machine-arn", sm], /^awsblog: give an execution ARN or --latest, not both/],
    [["--latest"], /^awsblog: --latest needs --state-machine-arn/],
    [[ex, "--state-machine-arn", sm], /^awsblog: --state-machine-arn needs --latest/],
    [[ex, "--interval", "2"], /^awsblog: --interval needs --follow/],
    [["jim"], /^awsblog: <execution-arn> "jim" is not a Step Functions execution ARN/],
    [[sm], /is not a Step Functions execution ARN/],
    [["arn:aws:states:us-east-1:123456789012:express:Promotion:jim:abc"], /express execution: Step Functions keeps no history/],
  ])("%j → exit 2", async (argv, message) => {
    const run = await awsblog(["approval", "tail", ...argv], { services: { executions: async () => fakeApi<ExecutionsApi>("executions", {}) } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});

/** Paging and throttling, which moto does not do (it returns the whole history at once and ignores reverseOrder). */
describe("approval tail against a paging, throttling GetExecutionHistory", () => {
  const arn = "arn:aws:states:us-east-1:123456789012:execution:Promotion:jim";
  const event = (id: number, type: string, details?: Record<string, unknown>): HistoryEventView => ({
    id,
    previousEventId: id - 1,
    timestamp: new Date(Date.UTC(2026, 11, 6, 10, 0, id)),
    type,
    details,
  });
  const history = [
    event(1, "ExecutionStarted", { input: "{}" }),
    event(2, "TaskStateEntered", { name: "ManualApproval" }),
    event(3, "ActivityScheduled", { resource: "arn:aws:states:us-east-1:123456789012:activity:ManualStep" }),
    event(4, "ActivityStarted", { workerName: "awsblog-host-1" }),
    event(5, "ActivitySucceeded", { output: '{"approved":true}' }),
    event(6, "TaskStateExited", { name: "ManualApproval" }),
    event(7, "ExecutionSucceeded", { output: '{"approved":true}' }),
  ];

  it("reads every page forward, then follows newest-first reading only what is new; throttling slows it down", async () => {
    const requests: Array<{ nextToken?: string; maxResults: number; reverse?: boolean }> = [];
    const answers: Array<HistoryPage | "throttle"> = [
      { events: history.slice(0, 2), nextToken: "page-2" },
      { events: history.slice(2, 3) },
      "throttle",
      { events: history.slice(0, 4).reverse(), nextToken: "older" }, // newest first; 3 is old: stop there
      { events: history.slice(2, 7).reverse(), nextToken: "older" },
    ];
    const api = fakeApi<ExecutionsApi>("executions", {
      getExecutionHistory: async (_arn, page) => {
        requests.push(page);
        const answer = answers.shift();
        if (answer === "throttle") throw new AwsError("StepFunctions", "GetExecutionHistory", "ThrottlingException", "Rate exceeded");
        return answer!;
      },
    });
    const waits: number[] = [];
    const run = await awsblog(["approval", "tail", arn, "--follow", "-o", "json"], {
      services: { executions: async () => api, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(answers).toEqual([]);
    const lines = jsonLines(run.stdout);
    expect(lines.map((l) => l.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(lines.map((l) => l.state)).toEqual([null, "ManualApproval", "ManualApproval", "ManualApproval", "ManualApproval", "ManualApproval", null]);
    expect(lines.map((l) => l.detail)).toEqual(["{}", null, "arn:aws:states:us-east-1:123456789012:activity:ManualStep", "worker awsblog-host-1", '{"approved":true}', null, '{"approved":true}']);
    expect(requests).toEqual([
      { nextToken: undefined, maxResults: 1000 },
      { nextToken: "page-2", maxResults: 1000 },
      { nextToken: undefined, maxResults: 25, reverse: true },
      { nextToken: undefined, maxResults: 25, reverse: true },
      { nextToken: undefined, maxResults: 25, reverse: true },
    ]);
    // 5 s; then 7.5 s (stretched, nothing new) doubled by the throttled poll; back to 5 s after new events.
    expect(waits).toEqual([5000, 15000, 5000]);
    expect(run.stderr).toMatch(/GetExecutionHistory failed: ThrottlingException.*polling less often/);
  });
});
