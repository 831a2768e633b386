import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import startCommand from "../../../src/commands/approval/start.js";
import type { CommandResult, Context } from "../../../src/lib/context.js";
import type { Services } from "../../../src/lib/services.js";
import { AwsError, UsageError } from "../../../src/lib/errors.js";
import { testContext } from "../../helpers/context.js";

type StartOptions = Parameters<typeof startCommand.run>[0];
/** Calls the declared handler with these options; `seams` replace services (sleep, random, AWS APIs). */
const run = (options: Partial<StartOptions>, ctx: Context, seams: Partial<Services> = {}) =>
  startCommand.run(options as StartOptions, { ...ctx, services: { ...ctx.services, ...seams } }, []);

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
    const f = testContext({ format: "text" });
    const result = (await run({ stateMachineArn: SM, input: '{"employeeName":"Jim"}', name: "run-1" }, f.ctx)) as CommandResult<{ executionArn: string; startDate: string }>;
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: SM,
      input: '{"employeeName":"Jim"}',
      name: "run-1",
    });
    expect(result.data).toEqual({
      executionArn: "arn:aws:states:us-east-1:123456789012:execution:PromotionApproval:run-1",
      startDate: "1970-01-01T00:00:00.000Z",
    });
    expect(result.text).toBe(result.data.executionArn);
  });

  it("reads the input from @file", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:x", startDate: new Date(0) });
    const file = join(mkdtempSync(join(tmpdir(), "awsblog-start-")), "input.json");
    writeFileSync(file, '{"managerEmailAddress":"ana@example.com"}\n');
    await run({ stateMachineArn: SM, input: `@${file}` }, testContext().ctx);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input).toBe('{"managerEmailAddress":"ana@example.com"}\n');
  });

  it("refuses bad input, names and ARNs with exit 2 and sends nothing", async () => {
    const bad = [
      { stateMachineArn: SM, input: "{nope" },
      { stateMachineArn: SM, input: JSON.stringify("x".repeat(262_143)) },
      { stateMachineArn: SM, input: "{}", name: "has space" },
      { stateMachineArn: SM, input: "{}", name: "a/b" },
      { stateMachineArn: SM, input: "{}", name: "n".repeat(81) },
      { stateMachineArn: "PromotionApproval", input: "{}" },
      { stateMachineArn: SM, input: "@/nonexistent/input.json" },
    ];
    for (const options of bad) {
      const error = await run(options, testContext().ctx).catch((e: unknown) => e);
      expect(error, JSON.stringify(options).slice(0, 80)).toBeInstanceOf(UsageError);
    }
    expect(sfn.calls()).toHaveLength(0);
  });

  it("explains a name that is already taken", async () => {
    sfn.on(StartExecutionCommand).rejects(
      Object.assign(new Error("Execution Already Exists: 'x'"), { name: "ExecutionAlreadyExists", $metadata: { httpStatusCode: 400 } }),
    );
    const error = (await run({ stateMachineArn: SM, name: "run-1" }, testContext().ctx).catch((e: unknown) => e)) as AwsError;
    expect(error).toBeInstanceOf(AwsError);
    expect(error.code).toBe("ExecutionAlreadyExists");
    expect(error.message).toContain("StepFunctions StartExecution failed: ExecutionAlreadyExists");
    expect(error.hint).toContain("pick another --name");
  });
});
