import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";

describeWithMoto("approval start against moto", (moto) => {
  async function stateMachine(): Promise<{ sfn: SFNClient; arn: string }> {
    await moto().reset();
    const sfn = new SFNClient(motoClientConfig(moto().url));
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: "PromotionApproval",
        definition: JSON.stringify({ StartAt: "Wait", States: { Wait: { Type: "Pass", End: true } } }),
        roleArn: "arn:aws:iam::123456789012:role/StatesExecutionRole",
      }),
    );
    return { sfn, arn: stateMachineArn! };
  }

  it("starts an execution with the input from @file and prints its ARN (text) or JSON", async () => {
    const { sfn, arn } = await stateMachine();
    const file = join(mkdtempSync(join(tmpdir(), "awsblog-start-")), "jim.json");
    writeFileSync(file, JSON.stringify({ employeeName: "Jim", managerEmailAddress: "ana@example.com" }));
    const run = await awsblog(["approval", "start", "--state-machine-arn", arn, "--input", `@${file}`, "--name", "jim-1", "--endpoint-url", moto().url]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const executionArn = run.stdout.trim();
    expect(executionArn).toMatch(/:execution:PromotionApproval:jim-1$/);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(described.input ?? "null")).toEqual({ employeeName: "Jim", managerEmailAddress: "ana@example.com" });

    const json = await awsblog(["approval", "start", "--state-machine-arn", arn, "-o", "json", "--endpoint-url", moto().url]);
    expect(json.code).toBe(0);
    expect(json.json()).toEqual({ executionArn: expect.stringContaining(":execution:PromotionApproval:"), startDate: expect.any(String) });
  });

  it("an unknown state machine exits 1 naming the AWS error; bad input exits 2 and starts nothing", async () => {
    await stateMachine();
    const missing = await awsblog([
      "approval", "start", "--state-machine-arn", "arn:aws:states:us-east-1:123456789012:stateMachine:Nope", "--endpoint-url", moto().url,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^awsblog: StepFunctions StartExecution failed: StateMachineDoesNotExist/);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);

    const bad = await awsblog(["approval", "start", "--state-machine-arn", "x", "--input", "{", "--endpoint-url", moto().url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^awsblog: --state-machine-arn "x" is not a Step Functions state machine ARN/);
  });
});
