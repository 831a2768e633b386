import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import type { ExecutionsApi } from "../../../src/lib/aws/sfn.js";
import { AwsError } from "../../../src/lib/errors.js";
import { fakeApi } from "../../helpers/fake-api.js";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig, type Moto } from "../../helpers/moto.js";

/** A pacing clock the command's sleep advances at once: waits are recorded, never slept. */
function pacingClock(onSleep?: (ms: number) => void) {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    services: {
      monotonicNow: () => now,
      random: () => 0.5,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
        onSleep?.(ms);
        // Let moto's execution thread move on between polls (it runs beside the server).
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    },
  };
}

/** A state machine in a fresh moto (moto runs one execution per reset). */
async function machine(moto: Moto, states: object, startAt: string): Promise<string> {
  await moto.reset({ stepFunctions: true });
  const sfn = new SFNClient(motoClientConfig(moto.url));
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name: "Promotion", definition: JSON.stringify({ StartAt: startAt, States: states }), roleArn: "arn:aws:iam::123456789012:role/StatesExecutionRole" }),
  );
  return stateMachineArn!;
}

describeWithMoto("approval start --wait against moto's executions", (moto) => {
  const start = (arn: string, ...more: string[]) => ["--endpoint-url", moto().url, "approval", "start", "--state-machine-arn", arn, "--wait", ...more];

  it("SUCCEEDED: prints the execution's output (text) or the result with the parsed output (JSON), exit 0", async () => {
    const arn = await machine(moto(), { Decide: { Type: "Pass", Result: { approved: true, by: "ana" }, End: true } }, "Decide");
    const text = await awsblog(start(arn, "--name", "jim-1", "--input", '{"employeeName":"Jim"}'), { services: pacingClock().services });
    expect(text.code, text.stderr).toBe(0);
    expect(JSON.parse(text.stdout)).toEqual({ approved: true, by: "ana" });

    const again = await machine(moto(), { Decide: { Type: "Pass", Result: { approved: true, by: "ana" }, End: true } }, "Decide");
    const json = await awsblog(start(again, "--name", "jim-2", "-o", "json"), { services: pacingClock().services });
    expect(json.code, json.stderr).toBe(0);
    expect(json.json()).toEqual({
      executionArn: expect.stringMatching(/:execution:Promotion:jim-2$/),
      startDate: expect.any(String),
      stopDate: expect.any(String),
      status: "SUCCEEDED",
      output: { approved: true, by: "ana" },
    });
  });

  it("FAILED: prints error and cause (terminal-safe), then one error line naming the error; exit 1", async () => {
    const arn = await machine(moto(), { Rejected: { Type: "Fail", Error: "Rejected", Cause: "over \u001b[31mbudget\u0007" } }, "Rejected");
    const run = await awsblog(start(arn, "--name", "jim-3"), { services: pacingClock().services });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("status: FAILED\nerror: Rejected\ncause: over budget\n");
    const lines = run.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^awsblog: execution jim-3 ended FAILED: Rejected — see what happened: `awsblog approval tail arn:aws:states:.*:execution:Promotion:jim-3`$/);

    const again = await machine(moto(), { Rejected: { Type: "Fail", Error: "Rejected", Cause: "over \u001b[31mbudget\u0007" } }, "Rejected");
    const json = await awsblog(start(again, "--name", "jim-4", "-o", "json"), { services: pacingClock().services });
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ status: "FAILED", error: "Rejected", cause: "over \u001b[31mbudget\u0007" });
  });

  it("--timeout: gives up after that long with exit 1 (the pipeline start --wait convention); the execution goes on", async () => {
    const arn = await machine(moto(), { Approval: { Type: "Wait", Seconds: 3600, End: true } }, "Approval");
    const clock = pacingClock();
    let calls: ReadonlyMap<string, number> = new Map();
    const run = await awsblog(start(arn, "--name", "jim-5", "--timeout", "60"), { services: clock.services, onCalls: (c) => (calls = c) });
    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toMatch(/:execution:Promotion:jim-5$/);
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(/^awsblog: gave up after 60 s waiting for jim-5 \(still RUNNING\) — it goes on: follow it with `awsblog approval tail .*jim-5 --follow`, or raise --timeout$/);
    // Polls at 5 s, then stretching ×1.5 (random 0.5 = no jitter): 5, 7.5, 11.25, 16.9, then what is left of 60 s.
    expect(clock.waits).toEqual([5000, 7500, 11250, 16875, 19375]);
    expect(calls.get("StepFunctions.DescribeExecution")).toBe(6);
    const sfn = new SFNClient(motoClientConfig(moto().url));
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: run.stdout.trim() }));
    expect(described.status).toBe("RUNNING");
  });

  it("Ctrl-C: stops waiting with exit 130, prints the ARN; the execution is left running", async () => {
    const arn = await machine(moto(), { Approval: { Type: "Wait", Seconds: 3600, End: true } }, "Approval");
    const keys = interrupts();
    const clock = pacingClock(() => keys.interrupt()); // Ctrl-C while it waits between polls
    const run = await awsblog(start(arn, "--name", "jim-6", "-o", "json"), { services: clock.services, interrupts: keys });
    expect(run.code).toBe(130);
    const result = run.json<{ executionArn: string; status: string }>();
    expect(result).toMatchObject({ executionArn: expect.stringMatching(/jim-6$/), status: "RUNNING" });
    expect(run.stderr).toContain(`stopped waiting; the execution goes on: ${result.executionArn}`);
    const sfn = new SFNClient(motoClientConfig(moto().url));
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: result.executionArn }))).status).toBe("RUNNING");
  });

  it("--timeout without --wait is a usage error before anything starts", async () => {
    const arn = await machine(moto(), { Done: { Type: "Pass", End: true } }, "Done");
    const run = await awsblog(["--endpoint-url", moto().url, "approval", "start", "--state-machine-arn", arn, "--timeout", "5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("awsblog: --timeout needs --wait — add --wait to wait for the execution, or drop --timeout\n");
  });
});

/** Throttling moto cannot produce: the executions API as a fake answering with AWS's error code. */
describe("approval start --wait when DescribeExecution is throttled", () => {
  it("slows its polls down (doubling) instead of failing, warns once per throttled poll, then reports the end", async () => {
    const executionArn = "arn:aws:states:us-east-1:123456789012:execution:Promotion:jim";
    const answers: Array<() => Promise<{ status: string; output?: string }>> = [
      async () => ({ status: "RUNNING" }),
      async () => Promise.reject(new AwsError("StepFunctions", "DescribeExecution", "ThrottlingException", "Rate exceeded")),
      async () => Promise.reject(new AwsError("StepFunctions", "DescribeExecution", "ThrottlingException", "Rate exceeded")),
      async () => ({ status: "SUCCEEDED", output: '{"approved":true}' }),
    ];
    const api = fakeApi<ExecutionsApi>("executions", {
      startExecution: async () => ({ executionArn, startDate: new Date("2026-12-06T10:00:00Z") }),
      describeExecution: async () => answers.shift()!(),
    });
    const clock = pacingClock();
    const run = await awsblog(["approval", "start", "--state-machine-arn", "arn:aws:states:us-east-1:123456789012:stateMachine:Promotion", "--wait"], {
      services: { ...clock.services, executions: async () => api },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('{"approved":true}\n');
    expect(answers).toEqual([]);
    expect(clock.waits).toEqual([5000, 15000, 30000]); // the interval, then ×2 per throttled poll
    expect(run.stderr.match(/ThrottlingException.*polling less often/g)).toHaveLength(2);
  });

  it("an error that will not fix itself (no such execution) ends the wait at once with one line, exit 1", async () => {
    const api = fakeApi<ExecutionsApi>("executions", {
      startExecution: async () => ({ executionArn: "arn:aws:states:us-east-1:123456789012:execution:P:x", startDate: new Date() }),
      describeExecution: async () => Promise.reject(new AwsError("StepFunctions", "DescribeExecution", "ExecutionDoesNotExist", "Execution Does Not Exist")),
    });
    const clock = pacingClock();
    const run = await awsblog(["approval", "start", "--state-machine-arn", "arn:aws:states:us-east-1:123456789012:stateMachine:P", "--wait"], {
      services: { ...clock.services, executions: async () => api },
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(/^awsblog: StepFunctions DescribeExecution failed: ExecutionDoesNotExist/);
    expect(clock.waits).toEqual([]);
  });
});
