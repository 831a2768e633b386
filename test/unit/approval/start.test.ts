import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";

/** `awsblog approval start <flags>` in-process. */
const start = (flags: string[]) => awsblog(["approval", "start", ...flags]);

const sfn = mockClient(SFNClient);
// Test files share worker processes: put the real send() back for the next file.
afterAll(() => {
  sfn.restore();
});
const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:PromotionApproval";
afterEach(() => sfn.reset());

describe("approval start", () => {
  it("starts the execution with the input and name, and returns its ARN", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${SM}:run-1`.replace("stateMachine", "execution"), startDate: new Date(0) });
    const flags = ["--state-machine-arn", SM, "--input", '{"employeeName":"Jim"}', "--name", "run-1"];
    const json = await start([...flags, "-o", "json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: SM,
      input: '{"employeeName":"Jim"}',
      name: "run-1",
    });
    expect(json.json()).toEqual({
      executionArn: "arn:aws:states:us-east-1:123456789012:execution:PromotionApproval:run-1",
      startDate: "1970-01-01T00:00:00.000Z",
    });
    const text = await start(flags);
    expect(text.stdout).toBe("arn:aws:states:us-east-1:123456789012:execution:PromotionApproval:run-1\n");
  });

  it("reads the input from @file", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:x", startDate: new Date(0) });
    const file = join(mkdtempSync(join(tmpdir(), "awsblog-start-")), "input.json");
    writeFileSync(file, '{"managerEmailAddress":"ana@example.com"}\n');
    expect((await start(["--state-machine-arn", SM, "--input", `@${file}`])).code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input).toBe('{"managerEmailAddress":"ana@example.com"}\n');
  });

  it("refuses bad input, names and ARNs with exit 2 and sends nothing", async () => {
    const bad = [
      ["--state-machine-arn", SM, "--input", "{nope"],
      ["--state-machine-arn", SM, "--input", JSON.stringify("x".repeat(262_143))],
      ["--state-machine-arn", SM, "--name", "has space"],
      ["--state-machine-arn", SM, "--name", "a/b"],
      ["--state-machine-arn", SM, "--name", "n".repeat(81)],
      ["--state-machine-arn", "PromotionApproval"],
      ["--state-machine-arn", SM, "--input", "@/nonexistent/input.json"],
    ];
    for (const flags of bad) {
      const run = await start(flags);
      expect(run.code, flags.join(" ").slice(0, 80)).toBe(2);
      expect(run.stderr).toMatch(/^awsblog: [^\n]+ — [^\n]+\n$/);
    }
    expect(sfn.calls()).toHaveLength(0);
  });

  it("explains a name that is already taken", async () => {
    sfn.on(StartExecutionCommand).rejects(
      Object.assign(new Error("Execution Already Exists: 'x'"), { name: "ExecutionAlreadyExists", $metadata: { httpStatusCode: 400 } }),
    );
    const run = await start(["--state-machine-arn", SM, "--name", "run-1"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: StepFunctions StartExecution failed: ExecutionAlreadyExists.* — .*pick another --name/);
  });
});
