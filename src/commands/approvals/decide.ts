import type { StepFunctionsApi } from "../../lib/aws/sfn.js";
import {
  explainTokenError,
  LIMITS,
  normalizeToken,
  validateLength,
  validateResult,
  validateToken,
} from "../../lib/approvals/task-token.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { readStdin, readTextArg } from "../../lib/input.js";

/** approve, reject and heartbeat: one task token, one Step Functions call. */
export type Decision = "approve" | "reject" | "heartbeat";

export interface DecideOptions {
  token?: string;
  result?: string;
  error?: string;
  cause?: string;
}

export interface DecideDeps {
  sfn?: StepFunctionsApi;
}

export interface DecideResult {
  action: Decision;
  ok: true;
}

const DEFAULT_RESULT = '{"approved":true}';
const DEFAULT_ERROR = "Rejected";
const DEFAULT_CAUSE = "Rejected via awsblog";

export async function decide(
  decision: Decision,
  options: DecideOptions,
  ctx: Context,
  deps: DecideDeps = {},
): Promise<CommandResult<DecideResult>> {
  // Everything is checked before the first call: a bad input sends nothing.
  const token = validateToken(normalizeToken(await resolveToken(options.token, ctx)));
  const result = decision === "approve" ? validateResult(await readTextArg(options.result ?? DEFAULT_RESULT, "--result")) : "";
  const error = validateLength(options.error ?? DEFAULT_ERROR, "--error", LIMITS.errorChars);
  const cause = validateLength(options.cause ?? DEFAULT_CAUSE, "--cause", LIMITS.causeChars);

  const sfn = deps.sfn ?? (await (await import("../../lib/aws/sfn.js")).createStepFunctionsApi(ctx.aws));
  try {
    if (decision === "approve") await sfn.sendTaskSuccess(token, result, ctx.signal);
    else if (decision === "reject") await sfn.sendTaskFailure(token, error, cause, ctx.signal);
    else await sfn.sendTaskHeartbeat(token, ctx.signal);
  } catch (err) {
    throw explainTokenError(err);
  }
  return { data: { action: decision, ok: true }, text: DONE_TEXT[decision] };
}

const DONE_TEXT: Record<Decision, string> = {
  approve: "approved: Step Functions accepted the task success",
  reject: "rejected: Step Functions accepted the task failure",
  heartbeat: "heartbeat sent: the task's heartbeat timer was reset",
};

async function resolveToken(flag: string | undefined, ctx: Context): Promise<string> {
  if (flag === "-") return readStdin(ctx.stdin);
  return flag ?? ctx.env.AWSBLOG_TASK_TOKEN ?? "";
}
