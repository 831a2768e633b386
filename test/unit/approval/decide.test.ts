import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";

const sfn = mockClient(SFNClient);
// Test files share worker processes: put the real send() back for the next file.
afterAll(() => {
  sfn.restore();
});
afterEach(() => sfn.reset());


describe("the requests approve/reject/heartbeat send", () => {
  it("approve sends the default result {\"approved\":true}", async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    const run = await awsblog(["approve", "--token", "tok", "-o", "json"]);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ action: "approve", ok: true });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({ taskToken: "tok", output: '{"approved":true}' });
  });

  it("reject sends the default error and cause", async () => {
    sfn.on(SendTaskFailureCommand).resolves({});
    expect((await awsblog(["reject", "--token", "tok"])).code).toBe(0);
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({
      taskToken: "tok",
      error: "Rejected",
      cause: "Rejected via awsblog",
    });
  });

  it("the flag beats AWSBLOG_TASK_TOKEN; stdin is read for `-`; a link yields its decoded token", async () => {
    sfn.on(SendTaskHeartbeatCommand).resolves({});
    await awsblog(["heartbeat", "--token", "from-flag"], { env: { AWSBLOG_TASK_TOKEN: "from-env" } });
    await awsblog(["heartbeat"], { env: { AWSBLOG_TASK_TOKEN: "from-env" } });
    await awsblog(["heartbeat", "--token", "-"], { input: "from-stdin\n" });
    await awsblog(["heartbeat", "--token", "https://h/fail?taskToken=a%2Bb%3D"]);
    expect(sfn.commandCalls(SendTaskHeartbeatCommand).map((call) => call.args[0].input.taskToken)).toEqual([
      "from-flag",
      "from-env",
      "from-stdin",
      "a+b=",
    ]);
  });

  it("nothing is sent when the input is bad", async () => {
    const run = await awsblog(["approve", "--token", "tok", "--result", "{"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^awsblog: --result is not valid JSON/);
    expect(sfn.calls()).toHaveLength(0);
  });
});
