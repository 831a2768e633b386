import { describe, expect, it } from "vitest";
import type { CodePipelineApi, JobView } from "../../../src/lib/aws/codepipeline.js";
import { AwsError } from "../../../src/lib/errors.js";
import { failureMessage, runJobWorker, type JobReport } from "../../../src/lib/pipeline/worker.js";

const job: JobView = { id: "job-1", nonce: "42", pipeline: "p", stage: "Beta", action: "Test", executionId: "e", configuration: {} };
const type = { category: "Test", owner: "Custom", provider: "T", version: "1" };

function fakeApi(overrides: Partial<CodePipelineApi>) {
  const sent: string[] = [];
  const api = {
    pollForJobs: async () => [job],
    acknowledgeJob: async () => "InProgress",
    putJobSuccessResult: async (_id: string, summary: string) => void sent.push(`success:${summary}`),
    putJobFailureResult: async (_id: string, message: string) => void sent.push(`failure:${message}`),
    ...overrides,
  } as unknown as CodePipelineApi;
  return { api, sent };
}

function hooks(api: CodePipelineApi) {
  const notices: string[] = [];
  const reports: JobReport[] = [];
  return {
    notices,
    reports,
    value: {
      api,
      stackOutputs: async () => ({}),
      env: { PATH: process.env.PATH },
      signal: new AbortController().signal,
      sleep: async () => {},
      random: () => 0.5,
      onJob: (r: JobReport) => void reports.push(r),
      onNotice: (m: string) => void notices.push(m),
    },
  };
}

describe("job worker", () => {
  it("a job another worker took (InvalidNonceException on acknowledge) is skipped: no command, no result", async () => {
    const { api, sent } = fakeApi({
      acknowledgeJob: async () => {
        throw new AwsError("CodePipeline", "AcknowledgeJob", "InvalidNonceException", "bad nonce");
      },
    });
    const h = hooks(api);
    const summary = await runJobWorker({ actionType: type, command: "false", args: [], once: true, timeoutMs: 5000 }, h.value);
    expect(summary).toEqual({ polls: 1, jobs: 0, failed: 0 });
    expect(sent).toEqual([]);
    expect(h.notices).toEqual(["skipped p Beta/Test job job-1: InvalidNonceException"]);
  });

  it("a result CodePipeline no longer takes (InvalidJobStateException) is a notice, not a crash", async () => {
    const { api } = fakeApi({
      putJobSuccessResult: async () => {
        throw new AwsError("CodePipeline", "PutJobSuccessResult", "InvalidJobStateException", "job timed out");
      },
    });
    const h = hooks(api);
    const summary = await runJobWorker({ actionType: type, command: process.execPath, args: ["-e", "console.log('ok')"], once: true, timeoutMs: 5000 }, h.value);
    expect(summary.jobs).toBe(1);
    expect(h.reports[0]).toMatchObject({ result: "succeeded", exitCode: 0 });
    expect(h.notices.at(-1)).toMatch(/no longer takes a result for job job-1 \(InvalidJobStateException\)/);
  });

  it("the summary is the last stdout line, at most 2,048 characters", async () => {
    const { api, sent } = fakeApi({});
    const h = hooks(api);
    await runJobWorker({ actionType: type, command: process.execPath, args: ["-e", "console.log('first'); console.log('y'.repeat(5000)); console.log('')"], once: true, timeoutMs: 5000 }, h.value);
    expect(sent[0]!.length).toBe("success:".length + 2048);
    expect(sent[0]!.endsWith("…")).toBe(true);
  });

  it("a command that does not exist fails the job (exit 127)", async () => {
    const { api, sent } = fakeApi({});
    const h = hooks(api);
    await runJobWorker({ actionType: type, command: "no-such-command-awsblog", args: [], once: true, timeoutMs: 5000 }, h.value);
    expect(h.reports[0]).toMatchObject({ result: "failed", exitCode: 127 });
    expect(sent).toEqual(["failure:command not found: no-such-command-awsblog"]);
  });

  it("failure messages fit CodePipeline's 5,000 characters and keep the end of stderr", () => {
    const message = failureMessage(
      { exitCode: 1, signal: null, lastLine: "", stderrTail: `${"x".repeat(9000)}\nAssertionError: last line`, timedOut: false, interrupted: false },
      { timeoutMs: 1000, command: "npm" },
    );
    expect(message.length).toBeLessThanOrEqual(5000);
    expect(message.startsWith("exit code 1; stderr:\n…")).toBe(true);
    expect(message.endsWith("AssertionError: last line")).toBe(true);
  });
});
