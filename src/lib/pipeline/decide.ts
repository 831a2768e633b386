import type { CommandResult, Context } from "../context.js";
import { AwsError, FailureError, UsageError } from "../errors.js";
import { findWaitingApprovals, type WaitingApproval } from "./approvals.js";
import { explainPipelineError, withPipelineHints } from "./errors.js";
import { checkExecutionId, checkName } from "./names.js";
import { pipelineApi } from "./retrying.js";
import { ONE_LINE, sanitizeForTerminal } from "../terminal.js";

/** `approve|reject --pipeline`: resolve the waiting approval's token now, then PutApprovalResult. */
export interface PipelineDecisionInputs {
  pipeline: string;
  stage?: string;
  action?: string;
  summary?: string;
  executionId?: string;
}

export interface PipelineDecisionResult {
  action: "approve" | "reject";
  ok: true;
  pipeline: string;
  stage: string;
  actionName: string;
}

export const SUMMARY_MAX = 512;
const DEFAULT_SUMMARY = { approve: "Approved via awsblog", reject: "Rejected via awsblog" } as const;

export async function decidePipelineApproval(
  decision: "approve" | "reject",
  inputs: PipelineDecisionInputs,
  ctx: Context,
): Promise<CommandResult<PipelineDecisionResult>> {
  // Everything is checked before the first call.
  const pipeline = checkName(inputs.pipeline, "--pipeline");
  const stage = inputs.stage === undefined ? undefined : checkName(inputs.stage, "--stage");
  const action = inputs.action === undefined ? undefined : checkName(inputs.action, "--action");
  const executionId = inputs.executionId === undefined ? undefined : checkExecutionId(inputs.executionId);
  const summary = inputs.summary ?? DEFAULT_SUMMARY[decision];
  if (summary.trim() === "") throw new UsageError("--summary is empty", `leave it out for "${DEFAULT_SUMMARY[decision]}", or say why`);
  if (summary.length > SUMMARY_MAX) throw new UsageError(`--summary is ${summary.length} characters; CodePipeline accepts at most ${SUMMARY_MAX}`, "shorten it, or link to the details");

  const api = await pipelineApi(ctx);
  const scan = await withPipelineHints(pipeline, () => findWaitingApprovals(api, pipeline));
  const chosen = scan.waiting.filter(
    (w) => (!stage || w.stage === stage) && (!action || w.action === action) && (!executionId || w.executionId === executionId),
  );
  const where = [stage && `stage ${stage}`, action && `action ${action}`, executionId && `execution ${executionId}`].filter(Boolean).join(", ");

  if (chosen.length === 0) {
    const stale = scan.stale.find((s) => (!stage || s.stage === stage) && (!action || s.action === action));
    if (stale) {
      throw new FailureError(
        `the approval shown at ${sanitizeForTerminal(stale.stage, ONE_LINE)}/${sanitizeForTerminal(stale.action, ONE_LINE)} in ${pipeline} belongs to an execution that was superseded or stopped (the stage now runs ${stale.latestExecutionId ?? "another execution"}); nothing was sent`,
        `run \`awsblog pipeline status ${pipeline}\` and decide once the current execution waits`,
      );
    }
    throw new FailureError(
      `no manual approval is waiting in pipeline ${pipeline}${where ? ` (${where})` : ""}`,
      `run \`awsblog pipeline status ${pipeline}\` to see where it is`,
    );
  }
  if (chosen.length > 1) {
    const sameAction = new Set(chosen.map((w) => `${w.stage}/${w.action}`)).size === 1;
    throw new UsageError(
      `${chosen.length} approvals are waiting in ${pipeline}: ${chosen.map((w) => describe(w, sameAction)).join(", ")}`,
      sameAction ? "choose one with --execution-id" : "choose one with --stage and --action",
    );
  }

  const target = chosen[0]!;
  try {
    await api.putApprovalResult({
      pipeline,
      stage: target.stage,
      action: target.action,
      token: target.token,
      status: decision === "approve" ? "Approved" : "Rejected",
      summary,
    });
  } catch (error) {
    throw explainApprovalError(error, pipeline);
  }
  const data: PipelineDecisionResult = { action: decision, ok: true, pipeline, stage: target.stage, actionName: target.action };
  const verb = decision === "approve" ? "approved" : "rejected";
  return { data, text: `${verb}: ${pipeline} ${sanitizeForTerminal(target.stage, ONE_LINE)}/${sanitizeForTerminal(target.action, ONE_LINE)} (execution ${target.executionId})` };
}

function describe(w: WaitingApproval, withExecution: boolean): string {
  return `${sanitizeForTerminal(w.stage, ONE_LINE)}/${sanitizeForTerminal(w.action, ONE_LINE)}${withExecution ? ` (execution ${w.executionId})` : ""}`;
}

function explainApprovalError(error: unknown, pipeline: string): unknown {
  if (!(error instanceof AwsError)) return error;
  const status = `run \`awsblog pipeline status ${pipeline}\``;
  const explained: Record<string, [string, string]> = {
    ApprovalAlreadyCompletedException: ["the approval was already decided (approved, rejected or expired)", `${status} to see the outcome`],
    InvalidApprovalTokenException: ["the approval is no longer open: its execution moved on (superseded, stopped or decided)", `${status} and decide the one waiting now`],
  };
  const known = explained[error.code];
  return known ? new AwsError(error.service, error.operation, error.code, known[0], known[1], { cause: error }) : explainPipelineError(error, pipeline);
}
