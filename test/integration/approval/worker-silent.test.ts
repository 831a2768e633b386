import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { startHungEndpoint, type HungEndpoint } from "../cli/hung-endpoint.js";
import { startActivityDouble, type ActivityDouble } from "../../../doubles/sfn-activities.js";

const ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:ManualStep";
const args = ["approval", "worker", "--activity-arn", ACTIVITY, "--base-url", "https://approvals.example.com", "--once"];
const env = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "us-east-1", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };

/**
 * `approval worker --once` (cron) against an endpoint that accepts and never answers: AWS holds
 * a poll 60 s, so the poll alone cannot tell silence from an empty queue. The run checks the
 * activity with an ordinary call first and ends within that call's bound (#19).
 */
describe("approval worker --once against a silent endpoint", () => {
  let silent: HungEndpoint;
  let double: ActivityDouble;
  beforeAll(async () => {
    silent = await startHungEndpoint();
    double = await startActivityDouble({ holdMs: 0 });
  });
  afterAll(async () => {
    await silent?.close();
    await double?.close();
  });

  it("ends within the ordinary call's bound (1 s read: well under the 61 s poll) with one line naming the call", async () => {
    const run = await awsblog(["--cli-read-timeout", "1", "--cli-connect-timeout", "1", "--endpoint-url", silent.url, ...args], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: no answer from StepFunctions DescribeActivity after 2 attempts, [0-9.]+ s — .*--cli-read-timeout.*\n$/);
    const seconds = Number(/after 2 attempts, ([0-9.]+) s/.exec(run.stderr)?.[1]);
    expect(seconds).toBeLessThan(3); // connect 1 + read 1 + retry 0.5 (docs/timeouts.md)
    expect(run.stdout).toBe("");
  }, 30_000);

  it("against an answering endpoint, describes the activity once, then polls it", async () => {
    double.queue({ taskToken: "T1", input: { managerEmailAddress: "a@example.com" } }, ACTIVITY);
    const run = await awsblog(["--endpoint-url", double.url, ...args], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(double.requests.map((r) => r.target)).toEqual(["DescribeActivity", "GetActivityTask"]);
    expect(double.requests[0]!.body).toEqual({ activityArn: ACTIVITY });
    expect(JSON.parse(run.stdout).taskToken).toBe("T1");
  });
});
