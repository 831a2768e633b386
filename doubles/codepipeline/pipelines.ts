import { externalUrl } from "./executions.js";
import type { PipelineState } from "./state.js";
import { typeOf } from "./state.js";
import { ACCOUNT, seconds as t, type Handler } from "./types.js";

/** Pipelines and their state: ListPipelines, GetPipeline, GetPipelineState. */
export function pipelineHandlers(state: PipelineState, options: { pageSize?: number }): Record<string, Handler> {
  return {
    ListPipelines(body) {
      const size = Math.min(Number(body.maxResults ?? options.pageSize ?? 100), options.pageSize ?? 100);
      const all = [...state.pipelines.values()];
      const offset = body.nextToken ? Number(body.nextToken) : 0;
      const page = all.slice(offset, offset + size);
      return {
        pipelines: page.map((p) => ({ name: p.name, version: 1, pipelineType: "V2", executionMode: p.executionMode ?? "SUPERSEDED", created: t(state.now), updated: t(state.now) })),
        ...(offset + size < all.length ? { nextToken: String(offset + size) } : {}),
      };
    },
    GetPipeline(body) {
      const spec = state.specOf(String(body.name));
      return {
        pipeline: {
          name: spec.name,
          roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`,
          artifactStore: { type: "S3", location: "artifacts" },
          version: 1,
          pipelineType: spec.pipelineType ?? "V2",
          ...(spec.variables ? { variables: spec.variables } : {}),
          executionMode: spec.executionMode ?? "SUPERSEDED",
          stages: spec.stages.map((s) => ({
            name: s.name,
            actions: s.actions.map((a, i) => ({ name: a.name, actionTypeId: typeOf(a), runOrder: i + 1, configuration: a.configuration ?? {} })),
          })),
        },
        metadata: { pipelineArn: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:${spec.name}`, created: t(state.now), updated: t(state.now) },
      };
    },
    GetPipelineState(body) {
      const spec = state.specOf(String(body.name));
      // In PARALLEL mode the approval token is not in the state, only in ListActionExecutions.
      const parallel = spec.executionMode === "PARALLEL";
      const mine = state.executions.filter((e) => e.pipeline === spec.name);
      return {
        pipelineName: spec.name,
        pipelineVersion: 1,
        created: t(state.now),
        updated: t(state.now),
        stageStates: spec.stages.map((stage) => {
          const runs = mine.flatMap((e) => e.runs).filter((r) => r.stage === stage.name);
          const latestRun = state.stageLatest.get(`${spec.name}/${stage.name}`);
          const latest = latestRun ? mine.find((e) => e.id === latestRun) : undefined;
          return {
            stageName: stage.name,
            inboundTransitionState: transitionState(state, `${spec.name}/${stage.name}/Inbound`),
            ...(latest ? { latestExecution: { pipelineExecutionId: latest.id, status: state.stageStatus(latest, stage.name) } } : {}),
            actionStates: stage.actions.map((action) => {
              const run = [...runs].reverse().find((r) => r.action === action.name);
              if (!run) return { actionName: action.name };
              const stale = state.staleShown.has(run.actionExecutionId);
              return {
                actionName: action.name,
                latestExecution: {
                  actionExecutionId: run.actionExecutionId,
                  status: stale ? "InProgress" : run.status,
                  lastStatusChange: t(run.lastUpdateTime),
                  ...(run.summary ? { summary: run.summary } : {}),
                  ...(run.spec.externalExecutionId && run.status !== "InProgress" ? { externalExecutionId: run.spec.externalExecutionId } : {}),
                  ...(externalUrl(run.spec) && run.status !== "InProgress" ? { externalExecutionUrl: externalUrl(run.spec) } : {}),
                  ...(run.status === "Failed" ? { errorDetails: { code: "JobFailed", message: run.summary ?? "the action failed" } } : {}),
                  ...(run.token && !parallel && (run.status === "InProgress" || stale) ? { token: run.token } : {}),
                },
              };
            }),
          };
        }),
      };
    },
  };
}

function transitionState(state: PipelineState, key: string) {
  const off = state.disabled.get(key);
  return off ? { enabled: false, disabledReason: off.reason, lastChangedBy: "arn:aws:iam::123456789012:user/test", lastChangedAt: t(off.at) } : { enabled: true };
}
