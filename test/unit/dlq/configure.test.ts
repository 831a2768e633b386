import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import spec from "../../../src/commands/dlq/configure.js";
import type { OptionsOf } from "../../../src/lib/command.js";
import { AwsError, UsageError } from "../../../src/lib/errors.js";
import { testContext } from "../../helpers/context.js";
import { awsblog } from "../../helpers/in-process.js";

const lambda = mockClient(LambdaClient);
// Test files share worker processes: put the real send() back for the next file.
afterAll(() => {
  lambda.restore();
});
const FN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer";
const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:thumbnailer-dlq";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:sns-lambda-test";

afterEach(() => lambda.reset());

type ConfigureOptions = OptionsOf<typeof spec.options>;
type ConfigureData = { functionName: string; functionArn: string; deadLetterTargetArn: string | null; previousTargetArn: string | null; changed: boolean };

/** Calls the command's handler as the CLI would (every option present, unset ones undefined). */
async function configure(given: Partial<ConfigureOptions>, ctx: ReturnType<typeof testContext>["ctx"]) {
  const result = await spec.run({ function: "", targetArn: undefined, remove: undefined, ...given }, ctx, {});
  if (!result) throw new Error("dlq configure returned no result");
  return result as { data: ConfigureData; text?: string };
}

describe("dlq configure", () => {
  it("sets the DeadLetterConfig and reports the previous target", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN, DeadLetterConfig: { TargetArn: TOPIC_ARN }, LastUpdateStatus: "Successful" });
    lambda.on(UpdateFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN, DeadLetterConfig: { TargetArn: QUEUE_ARN }, LastUpdateStatus: "Successful" });
    const { ctx } = testContext({ services: { sleep: async () => {} } });
    const result = await configure({ function: "thumbnailer", targetArn: QUEUE_ARN }, ctx);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([
      { FunctionName: "thumbnailer", DeadLetterConfig: { TargetArn: QUEUE_ARN } },
    ]);
    expect(result.data).toEqual({ functionName: "thumbnailer", functionArn: FN_ARN, deadLetterTargetArn: QUEUE_ARN, previousTargetArn: TOPIC_ARN, changed: true });
    expect(result.text).toBe(`thumbnailer: failed async events now go to ${QUEUE_ARN} (was ${TOPIC_ARN})`);
  });

  it("removes it with an empty TargetArn and waits for the update to finish", async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce({ FunctionArn: FN_ARN, DeadLetterConfig: { TargetArn: QUEUE_ARN }, LastUpdateStatus: "Successful" })
      .resolvesOnce({ FunctionArn: FN_ARN, LastUpdateStatus: "InProgress" })
      .resolves({ FunctionArn: FN_ARN, LastUpdateStatus: "Successful" });
    lambda.on(UpdateFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN, LastUpdateStatus: "InProgress" });
    const { ctx } = testContext({ services: { sleep: async () => {} } });
    const result = await configure({ function: "thumbnailer", remove: true }, ctx);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({ FunctionName: "thumbnailer", DeadLetterConfig: { TargetArn: "" } });
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(3);
    expect(result.data).toMatchObject({ deadLetterTargetArn: null, previousTargetArn: QUEUE_ARN, changed: true });
  });

  it("changes nothing when the target is already set", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN, DeadLetterConfig: { TargetArn: QUEUE_ARN } });
    const { ctx } = testContext();
    const result = await configure({ function: FN_ARN, targetArn: QUEUE_ARN }, ctx);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(result.data.changed).toBe(false);
  });

  it("refuses bad input before any call", async () => {
    const { ctx } = testContext();
    const bad: [Partial<ConfigureOptions>, RegExp][] = [
      [{ function: "fn" }, /exactly one of --target-arn <arn> or --remove/],
      [{ function: "fn", targetArn: QUEUE_ARN, remove: true }, /exactly one/],
      [{ function: "fn", targetArn: "https://sqs.us-east-1.amazonaws.com/1/q" }, /not an SQS queue or SNS topic ARN/],
      [{ function: "fn", targetArn: "arn:aws:sqs:us-east-1:123456789012:q.fifo" }, /FIFO/],
      [{ function: "", targetArn: QUEUE_ARN }, /--function is empty/],
      [{ function: "bad name!", targetArn: QUEUE_ARN }, /not a Lambda function name/],
    ];
    for (const [options, message] of bad) {
      const error = await configure(options, ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    }
    expect(lambda.calls()).toHaveLength(0);
  });

  it("a run without --function stops before the handler: one usage line, exit 2", async () => {
    const run = await awsblog(["dlq", "configure", "--target-arn", QUEUE_ARN]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("awsblog: --function is required — pass the function's name or ARN\n");
    expect(lambda.calls()).toHaveLength(0);
  });

  it("explains a missing permission on the target", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN });
    lambda
      .on(UpdateFunctionConfigurationCommand)
      .rejects(new AwsError("Lambda", "UpdateFunctionConfiguration", "InvalidParameterValueException", "The provided execution role does not have permissions to call SendMessage on SQS"));
    const { ctx } = testContext();
    const error = (await configure({ function: "fn", targetArn: QUEUE_ARN }, ctx).catch((e: unknown) => e)) as AwsError;
    expect(error.code).toBe("InvalidParameterValueException");
    expect(error.hint).toMatch(/sqs:SendMessage/);
  });
});
