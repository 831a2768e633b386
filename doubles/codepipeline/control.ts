import { AwsJsonFault } from "../aws-json.js";
import type { PipelineState } from "./state.js";
import type { Execution, Handler } from "./types.js";

/**
 * Acting on runs, with CodePipeline's own refusals: StopPipelineExecution (stop and wait, or
 * abandon), RetryStageExecution, RollbackStage, Disable/EnableStageTransition.
 */
const REASON = /^[a-zA-Z0-9!@ ().*?-]+$/;

export function controlHandlers(state: PipelineState): Record<string, Handler> {
  const stageIndex = (pipeline: string, stage: unknown) => {
    const index = state.specOf(pipeline).stages.findIndex((s) => s.name === stage);
    if (index < 0) throw new AwsJsonFault("StageNotFoundException", `The stage '${String(stage)}' was specified in an invalid format or cannot be found`);
    return index;
  };
  const notBusy = (pipeline: string) => {
    if (state.busy.has(pipeline)) throw new AwsJsonFault("ConflictException", "Your request cannot be handled because the pipeline is busy handling ongoing activities. Try again later.");
  };
  const transition = (body: Record<string, unknown>) => {
    const pipeline = String(body.pipelineName);
    const index = stageIndex(pipeline, body.stageName);
    if (body.transitionType !== "Inbound" && body.transitionType !== "Outbound") throw new AwsJsonFault("ValidationException", "1 validation error detected: Value at 'transitionType' failed to satisfy constraint: Member must satisfy enum value set: [Inbound, Outbound]");
    return { pipeline, index, key: `${pipeline}/${String(body.stageName)}/${body.transitionType}` };
  };
  return {
    StopPipelineExecution(body) {
      const pipeline = String(body.pipelineName);
      state.specOf(pipeline);
      const execution = state.executionById(pipeline, body.pipelineExecutionId);
      if (typeof body.reason === "string" && body.reason.length > 200) throw new AwsJsonFault("ValidationException", "1 validation error detected: Value at 'reason' failed to satisfy constraint: Member must have length less than or equal to 200");
      notBusy(pipeline);
      const abandon = body.abandon === true;
      if (execution.status === "Stopping") {
        if (!abandon || execution.stopMode === "abandon") {
          throw new AwsJsonFault(
            "DuplicatedStopRequestException",
            "The pipeline execution is already in a Stopping state. If you already chose to stop and wait, you cannot make that request again. You can choose to stop and abandon now, but be aware that this option can lead to failed tasks or out of sequence tasks. If you already chose to stop and abandon, you cannot make that request again.",
          );
        }
      } else if (execution.status !== "InProgress") {
        throw new AwsJsonFault("PipelineExecutionNotStoppableException", "Unable to stop the pipeline execution. The execution might already be in a Stopped state, or it might no longer be in progress.");
      }
      execution.stopReason = typeof body.reason === "string" ? body.reason : undefined;
      execution.lastUpdateTime = state.now;
      const running = state.current(execution);
      if (abandon || !running) {
        if (running) running.status = "Abandoned";
        execution.stopMode = "abandon";
        execution.status = "Stopped";
      } else {
        execution.stopMode = "wait";
        execution.status = "Stopping";
      }
      return { pipelineExecutionId: execution.id };
    },
    RetryStageExecution(body) {
      const pipeline = String(body.pipelineName);
      const index = stageIndex(pipeline, body.stageName);
      const execution = state.executionById(pipeline, body.pipelineExecutionId);
      if (body.retryMode !== "FAILED_ACTIONS" && body.retryMode !== "ALL_ACTIONS") throw new AwsJsonFault("ValidationException", "1 validation error detected: Value at 'retryMode' failed to satisfy constraint: Member must satisfy enum value set: [FAILED_ACTIONS, ALL_ACTIONS]");
      notBusy(pipeline);
      if (state.stageLatest.get(`${pipeline}/${String(body.stageName)}`) !== execution.id) {
        throw new AwsJsonFault("NotLatestPipelineExecutionException", "The stage has failed in a later run of the pipeline and the pipelineExecutionId associated with the request is out of date.");
      }
      if (execution.status !== "Failed" || execution.stageIndex !== index || state.stageStatus(execution, String(body.stageName)) !== "Failed") {
        throw new AwsJsonFault("StageNotRetryableException", "Unable to retry. The pipeline structure or stage state might have changed while actions awaited retry, or the stage contains no failed actions.");
      }
      const stage = state.specOf(pipeline).stages[index]!;
      const latest = new Map(execution.runs.filter((r) => r.stage === stage.name).map((r) => [r.action, r]));
      execution.actionIndex = body.retryMode === "ALL_ACTIONS" ? 0 : Math.max(0, stage.actions.findIndex((a) => latest.get(a.name)?.status === "Failed"));
      execution.status = "InProgress";
      execution.lastUpdateTime = state.now;
      state.resume(execution);
      return { pipelineExecutionId: execution.id };
    },
    RollbackStage(body) {
      const pipeline = String(body.pipelineName);
      const index = stageIndex(pipeline, body.stageName);
      const stageName = String(body.stageName);
      const target = state.executionById(pipeline, body.targetPipelineExecutionId);
      notBusy(pipeline);
      const running = state.executions.some((e) => e.pipeline === pipeline && (e.status === "InProgress" || e.status === "Stopping") && e.stageIndex === index && !e.waitingAtTransition);
      if (running) throw new AwsJsonFault("UnableToRollbackStageException", `Unable to roll back stage ${stageName}: the stage is currently running.`);
      if (!succeededIn(state, target, index)) throw new AwsJsonFault("UnableToRollbackStageException", `Unable to roll back stage ${stageName}: the target pipeline execution did not succeed in this stage.`);
      if (state.stageLatest.get(`${pipeline}/${stageName}`) === target.id) {
        throw new AwsJsonFault("UnableToRollbackStageException", `Unable to roll back stage ${stageName}: the target pipeline execution is the stage's current execution.`);
      }
      const rollback = state.startExecution(pipeline, index, {
        trigger: "ManualRollback",
        executionType: "ROLLBACK",
        onlyStage: index,
        rollbackTarget: target.id,
        sourceRevisions: target.sourceRevisions,
        variables: target.variables,
      });
      return { pipelineExecutionId: rollback.id };
    },
    DisableStageTransition(body) {
      const { key } = transition(body);
      const reason = typeof body.reason === "string" ? body.reason : "";
      if (!reason || reason.length > 300 || !REASON.test(reason)) {
        throw new AwsJsonFault("ValidationException", "1 validation error detected: Value at 'reason' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9!@ \\(\\)\\.\\*\\?\\-]+");
      }
      state.disabled.set(key, { reason, at: state.now });
      return {};
    },
    EnableStageTransition(body) {
      const { pipeline, key } = transition(body);
      state.disabled.delete(key);
      for (const e of state.executions.filter((x) => x.pipeline === pipeline && x.waitingAtTransition && !state.blocked(pipeline, x.stageIndex))) {
        e.waitingAtTransition = false;
        state.resume(e);
      }
      return {};
    },
  };
}

/** Did the execution run stage `index` to success (every action's latest run Succeeded)? */
export function succeededIn(state: PipelineState, execution: Execution, index: number): boolean {
  const stage = state.specOf(execution.pipeline).stages[index];
  if (!stage) return false;
  const latest = new Map(execution.runs.filter((r) => r.stage === stage.name).map((r) => [r.action, r]));
  return stage.actions.every((a) => latest.get(a.name)?.status === "Succeeded");
}
