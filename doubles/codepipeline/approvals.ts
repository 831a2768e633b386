import { AwsJsonFault } from "../aws-json.js";
import type { PipelineState } from "./state.js";
import { seconds as t, type Handler } from "./types.js";

/** PutApprovalResult: the token must be the waiting approval's, with CodePipeline's own errors. */
export function approvalHandlers(state: PipelineState): Record<string, Handler> {
  return {
    PutApprovalResult(body) {
      const spec = state.specOf(String(body.pipelineName));
      const stage = spec.stages.find((s) => s.name === body.stageName);
      if (!stage) throw new AwsJsonFault("StageNotFoundException", `Stage ${String(body.stageName)} not found`);
      if (!stage.actions.some((a) => a.name === body.actionName)) throw new AwsJsonFault("ActionNotFoundException", `Action ${String(body.actionName)} not found`);
      const result = (body.result ?? {}) as { status?: string; summary?: string };
      if (typeof result.summary === "string" && result.summary.length > 512) throw new AwsJsonFault("ValidationException", "summary: length must be <= 512");
      if (result.status !== "Approved" && result.status !== "Rejected") throw new AwsJsonFault("ValidationException", "result.status must be Approved or Rejected");
      const run = state.executions
        .filter((e) => e.pipeline === spec.name)
        .flatMap((e) => e.runs)
        .find((r) => r.token === body.token && r.stage === body.stageName && r.action === body.actionName);
      if (!run) throw new AwsJsonFault("InvalidApprovalTokenException", `The token for ${String(body.stageName)}/${String(body.actionName)} is not valid`);
      if (run.status === "Abandoned") throw new AwsJsonFault("InvalidApprovalTokenException", "The approval request is no longer in progress");
      if (run.status !== "InProgress") throw new AwsJsonFault("ApprovalAlreadyCompletedException", "The approval request has already been completed");
      const execution = state.executions.find((e) => e.id === run.pipelineExecutionId)!;
      state.now += 1000;
      state.finish(execution, run, result.status === "Approved", result.summary);
      return { approvedAt: t(state.now) };
    },
  };
}
