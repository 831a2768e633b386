import type { PipelineState } from "./state.js";
import { typeOf } from "./state.js";
import { seconds as t, type Handler } from "./types.js";

/** Executions: start (idempotent on clientRequestToken), get, list, and their action runs. */
export function executionHandlers(state: PipelineState, options: { advanceOnPoll?: boolean }): Record<string, Handler> {
  return {
    StartPipelineExecution(body) {
      const token = body.clientRequestToken ? String(body.clientRequestToken) : undefined;
      const earlier = token ? state.startedBy.get(token) : undefined;
      if (earlier) return { pipelineExecutionId: earlier };
      const execution = state.startExecution(String(body.name));
      if (token) state.startedBy.set(token, execution.id);
      return { pipelineExecutionId: execution.id };
    },
    GetPipelineExecution(body) {
      const execution = state.executionById(String(body.pipelineName), body.pipelineExecutionId);
      if (options.advanceOnPoll) {
        state.stepOne(execution);
        state.enterStage(execution);
      }
      return {
        pipelineExecution: {
          pipelineName: execution.pipeline,
          pipelineVersion: 1,
          pipelineExecutionId: execution.id,
          status: execution.status,
          executionMode: state.specOf(execution.pipeline).executionMode ?? "SUPERSEDED",
          artifactRevisions: [],
        },
      };
    },
    ListPipelineExecutions(body) {
      state.specOf(String(body.pipelineName));
      const mine = state.executions.filter((e) => e.pipeline === body.pipelineName).reverse();
      const max = Number(body.maxResults ?? 100);
      return {
        pipelineExecutionSummaries: mine.slice(0, max).map((e) => ({
          pipelineExecutionId: e.id,
          status: e.status,
          startTime: t(e.startTime),
          lastUpdateTime: t(e.lastUpdateTime),
          trigger: { triggerType: "StartPipelineExecution" },
        })),
      };
    },
    ListActionExecutions(body) {
      const spec = state.specOf(String(body.pipelineName));
      const filter = (body.filter ?? {}) as { pipelineExecutionId?: string };
      const runs = state.executions
        .filter((e) => e.pipeline === spec.name && (!filter.pipelineExecutionId || e.id === filter.pipelineExecutionId))
        .flatMap((e) => e.runs)
        .reverse();
      return {
        actionExecutionDetails: runs.map((r) => ({
          pipelineExecutionId: r.pipelineExecutionId,
          actionExecutionId: r.actionExecutionId,
          pipelineVersion: 1,
          stageName: r.stage,
          actionName: r.action,
          startTime: t(r.startTime),
          lastUpdateTime: t(r.lastUpdateTime),
          status: r.status,
          input: { actionTypeId: typeOf(r.spec), configuration: r.spec.configuration ?? {} },
          output: {
            executionResult: {
              ...(r.summary ? { externalExecutionSummary: r.summary } : {}),
              // PARALLEL mode: the waiting approval's token is only here.
              ...(r.token && spec.executionMode === "PARALLEL" && r.status === "InProgress" ? { externalExecutionId: r.token } : {}),
            },
          },
        })),
      };
    },
  };
}
