import type { CommandResult, Context } from "../context.js";
import { readStdin, readTextArg } from "../input.js";
import { explainTokenError, LIMITS, normalizeToken, validateLength, validateResult, validateToken } from "./task-token.js";

/** approve, reject and heartbeat: one task token, one Step Functions call. */
export type Decision = "approve" | "reject" | "heartbeat";

export interface DecideInputs {
  token?: string;
  result?: string;
  error?: string;
  cause?: string;
}

export interface DecideResult {
  action: Decision;
  ok: true;
}

export const DEFAULT_RESULT = '{"approved":true}';
export const DEFAULT_ERROR = "Rejected";
export const DEFAULT_CAUSE = "Rejected via awsblog";
export const TOKEN_HELP = "task token, an approve/reject link, or - to read stdin (default: $AWSBLOG_TASK_TOKEN)";

export async function decideTask(decision: Decision, inputs: DecideInputs, ctx: Context): Promise<CommandResult<DecideResult>> {
  // Everything is checked before the first call: a bad input sends nothing.
  const token = validateToken(normalizeToken(await resolveToken(inputs.token, ctx)));
  const result = decision === "approve" ? validateResult(await readTextArg(inputs.result ?? DEFAULT_RESULT, "--result", undefined, LIMITS.resultBytes)) : "";
  const error = validateLength(inputs.error ?? DEFAULT_ERROR, "--error", LIMITS.errorChars);
  const cause = validateLength(inputs.cause ?? DEFAULT_CAUSE, "--cause", LIMITS.causeChars);

  const sfn = await ctx.services.sfn();
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

/** A token is at most 2,048 characters; a pasted approve/reject link, percent-encoded, a few times that. */
const TOKEN_STDIN_BYTES = 16 * 1024;

async function resolveToken(flag: string | undefined, ctx: Context): Promise<string> {
  if (flag === "-") return readStdin(ctx.stdin, "--token -", TOKEN_STDIN_BYTES);
  return flag ?? ctx.env.AWSBLOG_TASK_TOKEN ?? "";
}
