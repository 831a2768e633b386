import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Mailer } from "../../../src/lib/aws/ses.js";
import { AwsError } from "../../../src/lib/errors.js";
import { fakeApi } from "../../helpers/fake-api.js";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { startActivityDouble, type ActivityDouble } from "../../../doubles/sfn-activities.js";

const ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:ManualStep";
const env = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "us-east-1", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
const worker = (double: ActivityDouble, ...more: string[]) => [
  "--endpoint-url", double.url, "approval", "worker", "--activity-arn", ACTIVITY, "--base-url", "https://approvals.example.com",
  "--email-from", "approvals@example.com", "--worker-name", "w1", "-o", "json", ...more,
];
const input = (n: number) => ({ employeeName: `Employee ${n}`, managerEmailAddress: `manager${n}@example.com` });

/** SES as a fake whose sends wait until the test lets them go, so the test sees how many are in flight. */
function gatedMailer() {
  const sending: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const watchers: Array<{ count: number; resolve(): void }> = [];
  const mailer = fakeApi<Mailer>("mailer", {
    sendRaw: async (_from, to) => {
      sending.push(to);
      for (const w of watchers.filter((w) => sending.length >= w.count)) w.resolve();
      await gate;
      return `msg-${to}`;
    },
  });
  const whenSending = (count: number) =>
    new Promise<void>((resolve) => {
      watchers.push({ count, resolve });
      if (sending.length >= count) resolve();
    });
  return { mailer, sending, release, whenSending };
}

/** The activity double holds polls open as AWS does (long poll), answering as soon as a task is queued. */
describe("approval worker --concurrency against the Step Functions activities double", () => {
  let double: ActivityDouble;
  beforeEach(async () => {
    double = await startActivityDouble({ longPollMs: 20_000 });
    double.addActivity("ManualStep");
  });
  afterEach(async () => {
    await double.close();
  });
  const polls = () => double.requests.filter((r) => r.target === "GetActivityTask").length;

  it("keeps N long polls in flight, handles N tasks at once, and on Ctrl-C sends the mails in hand before exiting 130", async () => {
    const keys = interrupts();
    const ses = gatedMailer();
    const running = awsblog(worker(double, "--concurrency", "3"), { env, interrupts: keys, services: { mailer: async () => ses.mailer } });

    await double.whenPolling(3);
    expect(polls()).toBe(3);
    expect(double.pollsOpen()).toBe(3);

    for (const n of [1, 2, 3]) double.queue({ taskToken: `token-${n}`, input: input(n) }, ACTIVITY);
    await ses.whenSending(3); // three mails in flight together: the tasks are handled side by side
    expect(ses.sending.sort()).toEqual(["manager1@example.com", "manager2@example.com", "manager3@example.com"]);

    keys.interrupt(); // Ctrl-C while the three mails are being sent
    ses.release();
    const run = await running;
    expect(run.code, run.stderr).toBe(130);
    const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { status: string; to: string });
    expect(lines.map((l) => l.status)).toEqual(["emailed", "emailed", "emailed"]);
    expect(lines.map((l) => l.to).sort()).toEqual(["manager1@example.com", "manager2@example.com", "manager3@example.com"]);
    expect(polls()).toBe(3); // no poll started after Ctrl-C
    expect(double.requests.some((r) => r.target === "SendTaskFailure")).toBe(false);
    expect(run.stderr).toContain("polling arn:aws:states:us-east-1:123456789012:activity:ManualStep as w1 (3 polls at a time)");
  });

  it("no task is lost on Ctrl-C: polls open at that moment still hand out their tasks, which are mailed", async () => {
    const keys = interrupts();
    const ses = gatedMailer();
    ses.release();
    const running = awsblog(worker(double, "--concurrency", "2"), { env, interrupts: keys, services: { mailer: async () => ses.mailer } });
    await double.whenPolling(2);
    double.queue({ taskToken: "early", input: input(0) }, ACTIVITY);
    await ses.whenSending(1);
    await double.whenPolling(2); // the slot that mailed it polls again: two polls open
    expect(polls()).toBe(3);
    keys.interrupt(); // Ctrl-C with two polls open...
    double.queue({ taskToken: "late-1", input: input(1) }, ACTIVITY); // ...which AWS then answers with tasks
    double.queue({ taskToken: "late-2", input: input(2) }, ACTIVITY);
    const run = await running;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { to: string }).to).sort()).toEqual(["manager0@example.com", "manager1@example.com", "manager2@example.com"]);
    expect(run.stderr).toContain("waiting for the polls in flight to return");
    expect(polls()).toBe(3);
    expect(double.pollsOpen()).toBe(0);
  });

  it("an error every task would hit (SES access denied) fails the tasks in hand, stops every slot, exit 1", async () => {
    const denied = fakeApi<Mailer>("mailer", {
      sendRaw: async () => Promise.reject(new AwsError("SES", "SendRawEmail", "AccessDenied", "not authorized")),
    });
    const running = awsblog(worker(double, "--concurrency", "2"), { env, services: { mailer: async () => denied } });
    await double.whenPolling(2);
    double.queue({ taskToken: "t-1", input: input(1) }, ACTIVITY);
    double.queue({ taskToken: "t-2", input: input(2) }, ACTIVITY);
    const run = await running;
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(/^awsblog: SES SendRawEmail failed: AccessDenied/);
    // Neither task is left open: both were failed with EmailNotSent, and no slot polled again.
    expect(double.requests.filter((r) => r.target === "SendTaskFailure").map((r) => r.body.taskToken).sort()).toEqual(["t-1", "t-2"]);
    expect(polls()).toBe(2);
  });

  it("--once --concurrency 2 (cron): two polls at once, each hands out its task, then exit 0", async () => {
    double.queue({ taskToken: "c-1", input: input(1) }, ACTIVITY);
    double.queue({ taskToken: "c-2", input: input(2) }, ACTIVITY);
    const run = await awsblog(
      ["--endpoint-url", double.url, "approval", "worker", "--activity-arn", ACTIVITY, "--base-url", "https://approvals.example.com", "--once", "--concurrency", "2"],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { taskToken: string }).taskToken).sort()).toEqual(["c-1", "c-2"]);
    expect(double.requests.map((r) => r.target)).toEqual(["DescribeActivity", "GetActivityTask", "GetActivityTask"]);
  });
});
