import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { decide } from "../../../src/commands/approvals/decide.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import type { Context } from "../../../src/lib/context.js";
import { createOutput } from "../../../src/lib/output.js";

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

function context(env: NodeJS.ProcessEnv = {}, stdin = ""): Context {
  const devnull = { write: () => true };
  return {
    globals: { output: "json", color: false, quiet: true, debug: false, region: "eu-west-1" },
    out: createOutput({ format: "json", quiet: true, color: false, debug: false, stdout: devnull, stderr: devnull }),
    aws: createAwsClientFactory({ region: "eu-west-1", userAgent: { name: "awsblog", version: "test" } }),
    signal: new AbortController().signal,
    env,
    stdin: Readable.from([stdin]),
    now: () => new Date(),
  };
}

describe("the requests approve/reject/heartbeat send", () => {
  it("approve sends the default result {\"approved\":true}", async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    const result = await decide("approve", { token: "tok" }, context());
    expect(result.data).toEqual({ action: "approve", ok: true });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({ taskToken: "tok", output: '{"approved":true}' });
  });

  it("reject sends the default error and cause", async () => {
    sfn.on(SendTaskFailureCommand).resolves({});
    await decide("reject", { token: "tok" }, context());
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({
      taskToken: "tok",
      error: "Rejected",
      cause: "Rejected via awsblog",
    });
  });

  it("the flag beats AWSBLOG_TASK_TOKEN; stdin is read for `-`; a link yields its decoded token", async () => {
    sfn.on(SendTaskHeartbeatCommand).resolves({});
    await decide("heartbeat", { token: "from-flag" }, context({ AWSBLOG_TASK_TOKEN: "from-env" }));
    await decide("heartbeat", {}, context({ AWSBLOG_TASK_TOKEN: "from-env" }));
    await decide("heartbeat", { token: "-" }, context({}, "from-stdin\n"));
    await decide("heartbeat", { token: "https://h/fail?taskToken=a%2Bb%3D" }, context());
    expect(sfn.commandCalls(SendTaskHeartbeatCommand).map((call) => call.args[0].input.taskToken)).toEqual([
      "from-flag",
      "from-env",
      "from-stdin",
      "a+b=",
    ]);
  });

  it("nothing is sent when the input is bad", async () => {
    await expect(decide("approve", { token: "tok", result: "{" }, context())).rejects.toMatchObject({ exitCode: 2 });
    expect(sfn.calls()).toHaveLength(0);
  });
});
