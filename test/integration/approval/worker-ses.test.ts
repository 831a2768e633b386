import { GetSendStatisticsCommand, SESClient, VerifyEmailIdentityCommand } from "@aws-sdk/client-ses";
import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, testEnv } from "../../helpers/cli.js";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { startActivityDouble, type ActivityDouble } from "../../../doubles/sfn-activities.js";

const ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:ManualStep";
const INPUT = { employeeName: "Jim", managerEmailAddress: "manager@example.com" };

/** The built CLI's worker: Step Functions from the double, SES from moto (per-service endpoints). */
describeWithMoto("approval worker mails links through SES (moto)", (moto) => {
  let sfn: ActivityDouble;
  beforeEach(async () => {
    await moto().reset();
    sfn = await startActivityDouble();
  });
  afterEach(async () => {
    await sfn.close();
  });
  const env = () => ({ AWS_ENDPOINT_URL_SFN: sfn.url, AWS_ENDPOINT_URL_SES: moto().url });
  const args = ["approval", "worker", "--activity-arn", ACTIVITY, "--base-url", "https://approvals.example.com", "--once"];
  const deliveries = async () => {
    const stats = await new SESClient(motoClientConfig(moto().url)).send(new GetSendStatisticsCommand({}));
    return stats.SendDataPoints?.[0] ?? { DeliveryAttempts: 0, Rejects: 0 };
  };

  it("sends the task's mail from a verified sender and prints one JSON line without the token", async () => {
    await new SESClient(motoClientConfig(moto().url)).send(new VerifyEmailIdentityCommand({ EmailAddress: "approvals@example.com" }));
    sfn.queue({ taskToken: "tok+en/=", input: INPUT });
    const run = await awsblog([...args, "--email-from", "approvals@example.com", "--worker-name", "cron-1", "-o", "json", "--debug"], {
      env: env(),
    });
    // --debug summarizes every request: the mail's bodies (which carry the token) show as a size only.
    expect(run.stderr).toMatch(/SES\.SendRawEmail .*"RawMessage":\{"Data":"<\d+ bytes>"\}/);
    expect(run.stderr).not.toContain("tok+en");
    expect(run.stderr).not.toContain("tok%2Ben");
    expect(run.code).toBe(0);
    const line = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(line).toMatchObject({ status: "emailed", to: "manager@example.com", input: INPUT });
    expect(line.messageId).toEqual(expect.any(String));
    // (moto counts the To header on top of Destinations: ≥ 1 rather than exactly 1.)
    const stats = await deliveries();
    expect(stats.DeliveryAttempts).toBeGreaterThanOrEqual(1);
    expect(stats.Rejects).toBe(0);
    expect(sfn.requests).toEqual([
      { target: "DescribeActivity", body: { activityArn: ACTIVITY } }, // --once checks the activity before the 60 s poll
      { target: "GetActivityTask", body: { activityArn: ACTIVITY, workerName: "cron-1" } },
    ]);
  });

  it("an unverified sender: SES rejects, the task is failed with EmailNotSent, exit 1", async () => {
    sfn.queue({ taskToken: "tok-2", input: INPUT });
    const run = await awsblog([...args, "--email-from", "nobody@example.com", "-o", "json"], { env: env() });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "emailFailed", to: "manager@example.com", taskFailed: true });
    const failure = sfn.requests.find((r) => r.target === "SendTaskFailure");
    expect(failure?.body).toMatchObject({ taskToken: "tok-2", error: "EmailNotSent" });
    expect(String(failure?.body.cause)).toContain("MessageRejected");
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(/^awsblog: the approval email could not be sent/);
  });

  it("without --email-from prints the links for the task, and an empty poll prints nothing", async () => {
    sfn.queue({ taskToken: "a+b", input: INPUT });
    const run = await awsblog(args, { env: env() });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      taskToken: "a+b",
      input: INPUT,
      approveUrl: "https://approvals.example.com/succeed?taskToken=a%2Bb",
      rejectUrl: "https://approvals.example.com/fail?taskToken=a%2Bb",
    });
    const empty = await awsblog(args, { env: env() });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe("");
    expect(await deliveries()).toMatchObject({ DeliveryAttempts: 0 });
  });
});

describe("approval worker interrupted", () => {
  it("Ctrl-C during a poll waits for it, hands out the task it brings, then exits 130", async () => {
    const sfn = await startActivityDouble({ holdMs: 1500 });
    try {
      sfn.queue({ taskToken: "late-task", input: INPUT });
      const child = spawn(
        process.execPath,
        [BIN, "approval", "worker", "--activity-arn", ACTIVITY, "--base-url", "http://127.0.0.1:8080", "--endpoint-url", sfn.url],
        { env: testEnv(), stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      while (!sfn.requests.length) await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill("SIGINT"); // the first poll is open on the double
      expect(await exited).toBe(130);
      expect(JSON.parse(stdout)).toMatchObject({ taskToken: "late-task", approveUrl: "http://127.0.0.1:8080/succeed?taskToken=late-task" });
      expect(sfn.requests.filter((r) => r.target === "GetActivityTask")).toHaveLength(1);
      expect(stderr).toContain("waiting for the current poll to return");
    } finally {
      await sfn.close();
    }
  });
});
