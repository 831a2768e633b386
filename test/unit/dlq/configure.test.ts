import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { AwsError } from "../../../src/lib/errors.js";
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

type ConfigureData = { functionName: string; functionArn: string; deadLetterTargetArn: string | null; previousTargetArn: string | null; changed: boolean };

/** `awsblog dlq configure <flags>` in-process; waits between status polls are instant. */
const configure = (flags: string[]) => awsblog(["dlq", "configure", ...flags], { services: { sleep: async () => {} } });

describe("dlq configure", () => {
  it("sets the DeadLetterConfig and reports the previous target", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN, DeadLetterConfig: { TargetArn: TOPIC_ARN }, LastUpdateStatus: "Successful" });
    lambda.on(UpdateFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN, DeadLetterConfig: { TargetArn: QUEUE_ARN }, LastUpdateStatus: "Successful" });
    const json = await configure(["--function", "thumbnailer", "--target-arn", QUEUE_ARN, "-o", "json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([
      { FunctionName: "thumbnailer", DeadLetterConfig: { TargetArn: QUEUE_ARN } },
    ]);
    expect(json.json()).toEqual({ functionName: "thumbnailer", functionArn: FN_ARN, deadLetterTargetArn: QUEUE_ARN, previousTargetArn: TOPIC_ARN, changed: true });
    const text = await configure(["--function", "thumbnailer", "--target-arn", QUEUE_ARN]);
    expect(text.stdout).toBe(`thumbnailer: failed async events now go to ${QUEUE_ARN} (was ${TOPIC_ARN})\n`);
  });

  it("removes it with an empty TargetArn and waits for the update to finish", async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce({ FunctionArn: FN_ARN, DeadLetterConfig: { TargetArn: QUEUE_ARN }, LastUpdateStatus: "Successful" })
      .resolvesOnce({ FunctionArn: FN_ARN, LastUpdateStatus: "InProgress" })
      .resolves({ FunctionArn: FN_ARN, LastUpdateStatus: "Successful" });
    lambda.on(UpdateFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN, LastUpdateStatus: "InProgress" });
    const result = await configure(["--function", "thumbnailer", "--remove", "-o", "json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({ FunctionName: "thumbnailer", DeadLetterConfig: { TargetArn: "" } });
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(3);
    expect(result.json()).toMatchObject({ deadLetterTargetArn: null, previousTargetArn: QUEUE_ARN, changed: true });
  });

  it("changes nothing when the target is already set", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN, DeadLetterConfig: { TargetArn: QUEUE_ARN } });
    const result = await configure(["--function", FN_ARN, "--target-arn", QUEUE_ARN, "-o", "json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(result.json<ConfigureData>().changed).toBe(false);
  });

  it("refuses bad input before any call", async () => {
    const bad: [string[], RegExp][] = [
      [["--function", "fn"], /exactly one of --target-arn <arn> or --remove/],
      [["--function", "fn", "--target-arn", QUEUE_ARN, "--remove"], /exactly one/],
      [["--function", "fn", "--target-arn", "https://sqs.us-east-1.amazonaws.com/1/q"], /not an SQS queue or SNS topic ARN/],
      [["--function", "fn", "--target-arn", "arn:aws:sqs:us-east-1:123456789012:q.fifo"], /FIFO/],
      [["--target-arn", QUEUE_ARN], /^awsblog: --function is required — pass the function's name or ARN\n$/],
      [["--function", "", "--target-arn", QUEUE_ARN], /--function is empty/],
      [["--function", "bad name!", "--target-arn", QUEUE_ARN], /not a Lambda function name/],
    ];
    for (const [flags, message] of bad) {
      const run = await configure(flags);
      expect(run.code, flags.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/^awsblog: /);
      expect(run.stderr).toMatch(message);
    }
    expect(lambda.calls()).toHaveLength(0);
  });

  it("explains a missing permission on the target", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionArn: FN_ARN });
    lambda
      .on(UpdateFunctionConfigurationCommand)
      .rejects(new AwsError("Lambda", "UpdateFunctionConfiguration", "InvalidParameterValueException", "The provided execution role does not have permissions to call SendMessage on SQS"));
    const run = await configure(["--function", "fn", "--target-arn", QUEUE_ARN]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: .*InvalidParameterValueException.* — .*sqs:SendMessage/);
  });
});
