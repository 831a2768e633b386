import type { ExecutionsApi } from "../../lib/aws/sfn.js";
import { checkStatesArn } from "../../lib/approvals/arns.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { AwsError, UsageError } from "../../lib/errors.js";
import { parseJsonArg, readTextArg } from "../../lib/input.js";

export interface StartOptions {
  stateMachineArn?: string;
  input?: string;
  name?: string;
}

export interface StartResult {
  executionArn: string;
  startDate: string;
}

/** StartExecution's limits: input ≤ 256 KiB of UTF-8, name 1–80 characters without these. */
const INPUT_MAX_BYTES = 262_144;
// eslint-disable-next-line no-control-regex
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** `awsblog approval start`: one StartExecution; the execution ARN is the result. */
export async function start(options: StartOptions, ctx: Context, deps: { executions?: ExecutionsApi } = {}): Promise<CommandResult<StartResult>> {
  if (!options.stateMachineArn) throw new UsageError("--state-machine-arn is required");
  const arn = checkStatesArn(options.stateMachineArn, "--state-machine-arn", "stateMachine");
  const input = await readTextArg(options.input ?? "{}", "--input", ctx.stdin);
  parseJsonArg(input, "--input");
  const bytes = Buffer.byteLength(input, "utf8");
  if (bytes > INPUT_MAX_BYTES) {
    throw new UsageError(`--input is ${bytes} bytes; Step Functions accepts at most ${INPUT_MAX_BYTES}`, "pass a reference (e.g. an S3 key) instead");
  }
  if (options.name !== undefined && (options.name.length < 1 || options.name.length > 80 || NAME_FORBIDDEN.test(options.name))) {
    throw new UsageError(
      `--name "${options.name}" is not a valid execution name`,
      "use 1–80 letters, digits, - and _ (no spaces or punctuation such as : / # %)",
    );
  }

  const executions = deps.executions ?? (await (await import("../../lib/aws/sfn.js")).createExecutionsApi(ctx.aws));
  try {
    const started = await executions.startExecution(arn, input, options.name);
    const data = { executionArn: started.executionArn, startDate: started.startDate.toISOString() };
    return { data, text: data.executionArn };
  } catch (error) {
    throw explainStartError(error, options.name);
  }
}

function explainStartError(error: unknown, name: string | undefined): unknown {
  if (!(error instanceof AwsError)) return error;
  const hints: Record<string, string> = {
    ExecutionAlreadyExists: `an execution named "${name ?? ""}" already exists with a different input; pick another --name (names are unique for 90 days)`,
    StateMachineDoesNotExist: "check the ARN, and that --region/--profile point at its account and region",
    InvalidArn: "check the ARN, and that --region matches the region inside it",
    ExecutionLimitExceeded: "too many open executions; stop some or wait",
    StateMachineDeleting: "the state machine is being deleted",
  };
  const hint = hints[error.code];
  const detail = /\((.*)\)$/.exec(error.message)?.[1] ?? "";
  return hint ? new AwsError(error.service, error.operation, error.code, detail, hint, { cause: error }) : error;
}
