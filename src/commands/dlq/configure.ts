import type { FunctionDlqState } from "../../lib/aws/lambda.js";
import { defineCommand, opt, required, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { checkFunctionName, FUNCTION_HINT } from "../../lib/dlq/options.js";
import { AwsError, FailureError, UsageError } from "../../lib/errors.js";

const flags = {
  function: required(opt.string("--function <name>", "function name or ARN"), FUNCTION_HINT),
  targetArn: opt.string("--target-arn <arn>", "standard SQS queue or SNS topic ARN to receive failed async events"),
  remove: opt.flag("--remove", "remove the dead-letter queue"),
};

export default defineCommand({
  options: flags,
  help: `
The function's execution role needs sqs:SendMessage (or sns:Publish) on the target.`,
  examples: [`awsblog dlq configure --function thumbnailer --target-arn arn:aws:sqs:us-east-1:123456789012:thumbnailer-dlq`],
  run: configure,
});

export interface ConfigureResult {
  functionName: string;
  functionArn: string;
  deadLetterTargetArn: string | null;
  previousTargetArn: string | null;
  changed: boolean;
}

// Lambda DLQs are standard SQS queues or standard SNS topics; FIFO is not accepted.
const TARGET_ARN = /^arn:aws[a-z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/;

/** `awsblog dlq configure`: set or remove a function's DeadLetterConfig and wait until it applies. */
async function configure(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<ConfigureResult>> {
  const functionName = checkFunctionName(options.function);
  if (Boolean(options.targetArn) === Boolean(options.remove)) {
    throw new UsageError("pass exactly one of --target-arn <arn> or --remove", "--target-arn sets where failed async events go; --remove stops sending them anywhere");
  }
  const desired = options.remove ? "" : checkTargetArn(options.targetArn as string);

  const lambda = await ctx.services.lambda();
  const before = await explained(() => lambda.getDeadLetterConfig(functionName));
  const previous = before.targetArn ?? null;
  let after: FunctionDlqState = before;
  if ((previous ?? "") !== desired) {
    after = await explained(() => lambda.setDeadLetterConfig(functionName, desired));
    // The change applies once Lambda finishes the update; wait so a following invoke uses it.
    for (let i = 0; after.lastUpdateStatus === "InProgress" && i < 60; i++) {
      await ctx.services.sleep(1_000);
      after = await explained(() => lambda.getDeadLetterConfig(functionName));
    }
    if (after.lastUpdateStatus === "Failed") {
      throw new FailureError(
        `Lambda could not apply the change to ${functionName}: ${after.lastUpdateStatusReason ?? "no reason given"}`,
        "fix what the reason names (often the execution role's access to the target), then run it again",
      );
    }
  }
  const data: ConfigureResult = {
    functionName,
    functionArn: after.functionArn,
    deadLetterTargetArn: desired || null,
    previousTargetArn: previous,
    changed: (previous ?? "") !== desired,
  };
  const text = !data.changed
    ? `${functionName}: dead-letter target already ${desired || "unset"}; nothing changed`
    : desired
      ? `${functionName}: failed async events now go to ${desired}${previous ? ` (was ${previous})` : ""}`
      : `${functionName}: dead-letter queue removed (was ${previous})`;
  return { data, text };
}

function checkTargetArn(arn: string): string {
  if (!TARGET_ARN.test(arn)) {
    throw new UsageError(`--target-arn is not an SQS queue or SNS topic ARN: "${arn}"`, "e.g. arn:aws:sqs:us-east-1:123456789012:my-dlq");
  }
  if (arn.endsWith(".fifo")) throw new UsageError("--target-arn is a FIFO queue or topic", "Lambda dead-letter targets must be standard queues or topics");
  return arn;
}

async function explained<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    const hint =
      error.code === "ResourceNotFoundException"
        ? "check --function and --region"
        : error.code === "ResourceConflictException"
          ? "another update of this function is in progress; retry when it finishes"
          : error.code === "InvalidParameterValueException"
            ? "the function's execution role needs sqs:SendMessage (queue) or sns:Publish (topic) on the target"
            : undefined;
    if (!hint) throw error;
    throw new AwsError(error.service, error.operation, error.code, "", hint, { cause: error });
  }
}
