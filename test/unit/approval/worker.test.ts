import { SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { DescribeActivityCommand, GetActivityTaskCommand, SFNClient, SendTaskFailureCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsblog, interrupts, type InProcessOptions } from "../../helpers/in-process.js";
import { readMime } from "./read-mime.js";

/** `awsblog approval worker <flags>` in-process; `lines()` parses stdout's JSON Lines. */
async function run(flags: string[], options: InProcessOptions = {}) {
  const result = await awsblog(["approval", "worker", ...flags], options);
  const lines = () =>
    result.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { ...result, lines };
}

const sfn = mockClient(SFNClient);
const ses = mockClient(SESClient);
// Test files share worker processes: put the real send() back for the next file.
afterAll(() => {
  sfn.restore();
  ses.restore();
});
const ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:ManualStep";
const TOKEN = "AAAA+b/c==&x=<y>";
const INPUT = { employeeName: "Jim <b>O'Hara</b>", managerEmailAddress: "ana@example.com" };

/** Polls until Ctrl-C. */
const polling = ["--activity-arn", ACTIVITY, "--base-url", "https://approvals.example.com/respond/", "--worker-name", "w1"];
const base = [...polling, "--once"];

function awsError(name: string, status: number) {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
}

/** Records backoff waits instead of sleeping. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

beforeEach(() => {
  sfn.reset();
  ses.reset();
});
afterEach(() => {
  sfn.reset();
  ses.reset();
});

describe("approval worker without email: one JSON line per task", () => {
  it("polls the activity with the worker name and prints the token, parsed input and encoded links", async () => {
    sfn.on(GetActivityTaskCommand).resolves({ taskToken: TOKEN, input: JSON.stringify(INPUT) });
    const f = await run(base);
    expect(f.code, f.stderr).toBe(0);
    expect(sfn.commandCalls(GetActivityTaskCommand)).toHaveLength(1);
    expect(sfn.commandCalls(GetActivityTaskCommand)[0]!.args[0].input).toEqual({ activityArn: ACTIVITY, workerName: "w1" });
    const lines = f.lines();
    expect(lines).toEqual([
      {
        taskToken: TOKEN,
        input: INPUT,
        approveUrl: `https://approvals.example.com/respond/succeed?taskToken=${encodeURIComponent(TOKEN)}`,
        rejectUrl: `https://approvals.example.com/respond/fail?taskToken=${encodeURIComponent(TOKEN)}`,
      },
    ]);
    expect(new URL(lines[0]!.approveUrl as string).searchParams.get("taskToken")).toBe(TOKEN);
  });

  it("--once without states:DescribeActivity still polls and hands out the task (the post's IAM policy)", async () => {
    sfn.on(DescribeActivityCommand).rejects(awsError("AccessDeniedException", 400));
    sfn.on(GetActivityTaskCommand).resolves({ taskToken: TOKEN, input: JSON.stringify(INPUT) });
    const f = await run(base);
    expect(f.code, f.stderr).toBe(0);
    expect(sfn.commandCalls(DescribeActivityCommand)).toHaveLength(1);
    expect(f.lines()[0]).toMatchObject({ taskToken: TOKEN });
  });

  it("--once with an activity that does not exist ends before the 60 s poll", async () => {
    sfn.on(DescribeActivityCommand).rejects(awsError("ActivityDoesNotExist", 400));
    const f = await run(base);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/ActivityDoesNotExist/);
    expect(sfn.commandCalls(GetActivityTaskCommand)).toHaveLength(0);
  });

  it("an empty 60 s poll with --once prints nothing and exits 0 after one call", async () => {
    sfn.on(GetActivityTaskCommand).resolves({});
    const f = await run(base);
    expect(f.code).toBe(0);
    expect(sfn.commandCalls(GetActivityTaskCommand)).toHaveLength(1);
    expect(f.stdout).toBe("");
    expect(f.stderr).toContain("1 poll(s): 0 task(s)");
  });

  it("keeps polling without --once until Ctrl-C, and hands out the task of the poll in flight", async () => {
    const keys = interrupts();
    let polls = 0;
    sfn.on(GetActivityTaskCommand).callsFake(async () => {
      polls++;
      if (polls < 3) return {};
      keys.interrupt(); // Ctrl-C arrives while the third poll is open...
      return { taskToken: "T3", input: "{}" }; // ...and AWS answers it with a task.
    });
    const { waits, sleep } = recordingSleep();
    const f = await run(polling, { interrupts: keys, services: { sleep } });
    expect(f.code).toBe(130);
    expect(polls).toBe(3);
    // Empty polls that came back at once are spaced out (AWS itself holds them for 60 s).
    expect(waits).toHaveLength(2);
    expect(waits.every((ms) => ms > 900 && ms <= 1000)).toBe(true);
    expect(f.lines().map((l) => l.taskToken)).toEqual(["T3"]);
    expect(f.stderr).toContain("waiting for the current poll to return");
  });

  it("without --once, backs off on throttling, 5xx and network errors, then carries on", async () => {
    const keys = interrupts();
    sfn
      .on(GetActivityTaskCommand)
      .rejectsOnce(awsError("ThrottlingException", 400))
      .rejectsOnce(awsError("InternalServerError", 500))
      .rejectsOnce(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
      .callsFake(async () => {
        keys.interrupt(); // Ctrl-C while the fourth poll is open; it still hands out its task
        return { taskToken: "T", input: "{}" };
      });
    const { waits, sleep } = recordingSleep();
    const f = await run(polling, { interrupts: keys, services: { sleep, random: () => 1 } });
    expect(f.code, f.stderr).toBe(130);
    expect(sfn.commandCalls(GetActivityTaskCommand)).toHaveLength(4);
    expect(waits).toEqual([1000, 2000, 4000]); // full jitter at its ceiling: 1 s, 2 s, 4 s
    expect(f.lines()).toHaveLength(1);
    expect(f.stderr).toMatch(/GetActivityTask failed: ThrottlingException.*retrying in 1\.0 s/);
  });

  it("--once ends at the first failed poll (the client already retried it) with one error line and exit 1", async () => {
    sfn.on(GetActivityTaskCommand).rejects(awsError("ServiceUnavailable", 503));
    const { waits, sleep } = recordingSleep();
    const f = await run(base, { services: { sleep, random: () => 0 } });
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/^awsblog: .*ServiceUnavailable.* — .+\n$/);
    expect(f.stderr.split("\n")).toHaveLength(2); // one line, no "retrying" warnings before it
    expect(sfn.commandCalls(GetActivityTaskCommand)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("--once against a silent endpoint: the poll's no-answer ends the run, not 4 more rounds of it (the client already retried it once)", async () => {
    sfn.on(GetActivityTaskCommand).rejects(Object.assign(new Error("socket timed out"), { name: "TimeoutError", code: "ETIMEDOUT" }));
    const { waits, sleep } = recordingSleep();
    const f = await run(base, { services: { sleep } });
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/^awsblog: no answer from StepFunctions GetActivityTask after 1 attempt, [0-9.]+ s — .*--cli-read-timeout/m);
    expect(sfn.commandCalls(GetActivityTaskCommand)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("stops at once on an error that will not fix itself", async () => {
    sfn.on(GetActivityTaskCommand).rejects(awsError("ActivityDoesNotExist", 400));
    const { waits, sleep } = recordingSleep();
    const f = await run(polling, { services: { sleep } });
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/^awsblog: .*ActivityDoesNotExist/m);
    expect(waits).toEqual([]);
  });

  it("refuses bad flags before any call (exit 2)", async () => {
    const bad = [
      [...base, "--activity-arn", "ManualStep"],
      [...base, "--activity-arn", "arn:aws:states:us-east-1:123456789012:stateMachine:X"],
      [...base, "--base-url", "approvals.example.com"],
      [...base, "--base-url", "https://x.example.com/?a=1"],
      [...base, "--email-to-field", "boss"],
      [...base, "--email-from", "approvals@example.com", "--email-to-field", "  "],
      [...base, "--email-from", "not-an-address"],
      [...base, "--worker-name", "w".repeat(81)],
    ];
    for (const flags of bad) {
      const f = await run(flags);
      expect(f.code, flags.slice(base.length).join(" ")).toBe(2);
      expect(f.stderr).toMatch(/^awsblog: [^\n]+ — [^\n]+\n$/);
    }
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe("approval worker with --email-from: SES mail per task", () => {
  const emailing = [...base, "--email-from", "approvals@example.com", "-o", "json"];

  it("sends an HTML and a text body naming the employee, with both links, to the input's address", async () => {
    sfn.on(GetActivityTaskCommand).resolves({ taskToken: TOKEN, input: JSON.stringify(INPUT) });
    ses.on(SendRawEmailCommand).resolves({ MessageId: "m-1" });
    const f = await run(emailing);
    expect(f.code, f.stderr).toBe(0);
    const sent = ses.commandCalls(SendRawEmailCommand)[0]!.args[0].input;
    expect(sent.Source).toBe("approvals@example.com"); // not the manager's address, as the post did
    expect(sent.Destinations).toEqual(["ana@example.com"]);
    const mail = readMime(sent.RawMessage!.Data!);
    expect(mail.headers.from).toBe("approvals@example.com");
    expect(mail.headers.to).toBe("ana@example.com");
    expect(mail.subject).toBe("Your approval is needed: Jim <b>O'Hara</b>");
    const { html, text } = mail;
    const encoded = encodeURIComponent(TOKEN);
    expect(text).toContain(`Approve: https://approvals.example.com/respond/succeed?taskToken=${encoded}`);
    expect(text).toContain(`Reject:  https://approvals.example.com/respond/fail?taskToken=${encoded}`);
    expect(html).toContain(`href="https://approvals.example.com/respond/succeed?taskToken=${encoded}"`);
    expect(html).toContain("Jim &lt;b&gt;O&#39;Hara&lt;/b&gt;");
    expect(html).not.toContain("<b>O'Hara");
    expect(f.lines()).toEqual([{ status: "emailed", to: "ana@example.com", messageId: "m-1", input: INPUT }]);
    expect(f.stdout).not.toContain("AAAA"); // the token is mailed, not printed
  });

  it("uses --email-to-field for the recipient", async () => {
    sfn.on(GetActivityTaskCommand).resolves({ taskToken: "T", input: JSON.stringify({ boss: "b@example.org" }) });
    ses.on(SendRawEmailCommand).resolves({ MessageId: "m-2" });
    expect((await run([...emailing, "--email-to-field", "boss"])).code).toBe(0);
    expect(ses.commandCalls(SendRawEmailCommand)[0]!.args[0].input.Destinations).toEqual(["b@example.org"]);
  });

  it("fails a task whose mail SES rejects with EmailNotSent, without the token in the cause, and exits 1", async () => {
    sfn.on(GetActivityTaskCommand).resolves({ taskToken: TOKEN, input: JSON.stringify(INPUT) });
    sfn.on(SendTaskFailureCommand).resolves({});
    ses.on(SendRawEmailCommand).rejects(awsError("MessageRejected", 400));
    const f = await run(emailing);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/^awsblog: /m);
    const failure = sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input;
    expect(failure.taskToken).toBe(TOKEN);
    expect(failure.error).toBe("EmailNotSent");
    expect(failure.cause).toMatch(/could not email the approval links: SES SendRawEmail failed: MessageRejected/);
    expect(failure.cause).not.toContain("AAAA");
    expect(f.lines()).toEqual([
      expect.objectContaining({ status: "emailFailed", to: "ana@example.com", taskFailed: true }),
    ]);
  });

  it("fails a task whose input has no address without calling SES", async () => {
    sfn.on(GetActivityTaskCommand).resolves({ taskToken: "T", input: JSON.stringify({ employeeName: "Jim" }) });
    sfn.on(SendTaskFailureCommand).resolves({});
    const f = await run(emailing);
    expect(f.code).toBe(1);
    expect(ses.calls()).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input.cause).toContain('no "managerEmailAddress" field');
  });

  it("keeps going after a per-task mail failure, but stops when SES denies access", async () => {
    sfn
      .on(GetActivityTaskCommand)
      .resolvesOnce({ taskToken: "T1", input: JSON.stringify({ managerEmailAddress: "bad address" }) })
      .resolves({ taskToken: "T2", input: JSON.stringify(INPUT) });
    sfn.on(SendTaskFailureCommand).resolves({});
    ses.on(SendRawEmailCommand).rejects(awsError("AccessDenied", 403));
    const f = await run([...polling, "--email-from", "approvals@example.com"]);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/^awsblog: .*AccessDenied/m);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input.taskToken)).toEqual(["T1", "T2"]);
    expect(sfn.commandCalls(GetActivityTaskCommand)).toHaveLength(2);
  });

  it("warns when even SendTaskFailure fails, and says the task stays open", async () => {
    sfn.on(GetActivityTaskCommand).resolves({ taskToken: "T", input: JSON.stringify(INPUT) });
    sfn.on(SendTaskFailureCommand).rejects(awsError("TaskTimedOut", 400));
    ses.on(SendRawEmailCommand).rejects(awsError("MessageRejected", 400));
    const f = await run(emailing);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain("stays open until its state's timeout");
    expect(f.lines()[0]).toMatchObject({ status: "emailFailed", taskFailed: false });
  });
});
