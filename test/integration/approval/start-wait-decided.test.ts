import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { startActivityDouble, type ActivityDouble } from "../../../doubles/sfn-activities.js";

const ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:ManualStep";
const env = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "us-east-1", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };

/**
 * The whole approval from CI's side, on the activities double (moto has no GetActivityTask):
 * `approval start --wait` runs while the worker hands out the task and someone decides it.
 */
describe("approval start --wait until a person decides (activities double)", () => {
  let double: ActivityDouble;
  let stateMachineArn: string;
  beforeEach(async () => {
    double = await startActivityDouble();
    double.addActivity("ManualStep");
    stateMachineArn = double.addStateMachine("Promotion", { StartAt: "ManualApproval", States: { ManualApproval: { Type: "Task", Resource: ACTIVITY, End: true } } });
  });
  afterEach(async () => {
    await double.close();
  });

  /** Starts `approval start --wait`; resolves the run once it ends. The decision is made once its first poll came back. */
  async function waitWhile(decide: (taskToken: string) => Promise<void>, ...more: string[]) {
    let decided: Promise<void> | undefined;
    return awsblog(["--endpoint-url", double.url, "approval", "start", "--state-machine-arn", stateMachineArn, "--input", '{"employeeName":"Jim"}', "--wait", ...more], {
      env,
      services: {
        sleep: async () => {
          // The first wait between polls: the execution is RUNNING, the task waiting. A person decides now.
          decided ??= (async () => {
            const worker = await awsblog(["--endpoint-url", double.url, "approval", "worker", "--activity-arn", ACTIVITY, "--base-url", "https://approvals.example.com", "--once"], { env });
            await decide((JSON.parse(worker.stdout) as { taskToken: string }).taskToken);
          })();
          await decided;
        },
      },
    });
  }

  it("approved: exit 0 with the approval's result as the output", async () => {
    const run = await waitWhile(async (token) => {
      const approve = await awsblog(["--endpoint-url", double.url, "approve", "--token", token, "--result", '{"approved":true,"by":"ana"}'], { env });
      expect(approve.code, approve.stderr).toBe(0);
    }, "-o", "json");
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ status: "SUCCEEDED", output: { approved: true, by: "ana" } });
    expect(double.requests.filter((r) => r.target === "DescribeExecution")).toHaveLength(2);
  });

  it("rejected: exit 1 with the rejection's error and cause", async () => {
    const run = await waitWhile(async (token) => {
      const reject = await awsblog(["--endpoint-url", double.url, "reject", "--token", token, "--cause", "over budget"], { env });
      expect(reject.code, reject.stderr).toBe(0);
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("status: FAILED\nerror: Rejected\ncause: over budget\n");
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(/^awsblog: execution .* ended FAILED: Rejected — see what happened: `awsblog approval tail /);
  });
});
