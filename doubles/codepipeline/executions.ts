import { AwsJsonFault } from "../aws-json.js";
import { succeededIn } from "./control.js";
import type { PipelineState } from "./state.js";
import { typeOf } from "./state.js";
import { seconds as t, type Execution, type Handler } from "./types.js";

const REVISION_TYPES = ["COMMIT_ID", "IMAGE_DIGEST", "S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY"];

/** Executions: start (idempotent on clientRequestToken), get, list, and their action runs. */
export function executionHandlers(state: PipelineState, options: { advanceOnPoll?: boolean }): Record<string, Handler> {
  return {
    StartPipelineExecution(body) {
      const token = body.clientRequestToken ? String(body.clientRequestToken) : undefined;
      const earlier = token ? state.startedBy.get(token) : undefined;
      if (earlier) return { pipelineExecutionId: earlier };
      const spec = state.specOf(String(body.name));
      const variables = (body.variables ?? []) as { name?: string; value?: string }[];
      if (variables.length) {
        if ((spec.pipelineType ?? "V2") !== "V2") throw new AwsJsonFault("ValidationException", "Pipeline variables are only supported in pipelines of type V2");
        const declared = new Set((spec.variables ?? []).map((v) => v.name));
        const unknown = variables.filter((v) => !declared.has(String(v.name))).map((v) => String(v.name));
        if (unknown.length) throw new AwsJsonFault("ValidationException", `Variables [${unknown.join(", ")}] are not declared in pipeline ${spec.name}`);
      }
      const overrides = (body.sourceRevisions ?? []) as { actionName?: string; revisionType?: string; revisionValue?: string }[];
      const sources = new Set(spec.stages.flatMap((s) => s.actions).filter((a) => typeOf(a).category === "Source").map((a) => a.name));
      for (const o of overrides) {
        if (!REVISION_TYPES.includes(String(o.revisionType))) throw new AwsJsonFault("ValidationException", `1 validation error detected: Value '${String(o.revisionType)}' at 'sourceRevisions.1.member.revisionType' failed to satisfy constraint: Member must satisfy enum value set: [${REVISION_TYPES.join(", ")}]`);
        if (!sources.has(String(o.actionName))) throw new AwsJsonFault("ValidationException", `Source action ${String(o.actionName)} not found in pipeline ${spec.name}`);
      }
      const execution = state.startExecution(spec.name);
      for (const v of variables) {
        execution.variables = [...execution.variables.filter((x) => x.name !== v.name), { name: String(v.name), resolvedValue: String(v.value ?? "") }];
      }
      for (const o of overrides) {
        execution.sourceRevisions = execution.sourceRevisions.map((r) => (r.actionName === o.actionName ? { actionName: r.actionName, revisionId: String(o.revisionValue) } : r));
      }
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
          executionType: execution.executionType,
          artifactRevisions: [],
          trigger: { triggerType: execution.trigger },
          variables: execution.variables,
          ...(execution.rollbackTarget ? { rollbackMetadata: { rollbackTargetPipelineExecutionId: execution.rollbackTarget } } : {}),
        },
      };
    },
    ListPipelineExecutions(body) {
      const spec = state.specOf(String(body.pipelineName));
      const max = Number(body.maxResults ?? 100);
      if (!Number.isInteger(max) || max < 1 || max > 100) throw new AwsJsonFault("ValidationException", "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100");
      const filter = (body.filter ?? {}) as { succeededInStage?: { stageName?: string } };
      const stage = filter.succeededInStage?.stageName;
      const stageAt = stage === undefined ? -1 : spec.stages.findIndex((s) => s.name === stage);
      if (stage !== undefined && stageAt < 0) throw new AwsJsonFault("StageNotFoundException", `The stage '${stage}' was specified in an invalid format or cannot be found`);
      const mine = state.executions
        .filter((e) => e.pipeline === spec.name && (stage === undefined || succeededIn(state, e, stageAt)))
        .reverse();
      const offset = body.nextToken === undefined ? 0 : Number(body.nextToken);
      if (!Number.isInteger(offset) || offset < 0) throw new AwsJsonFault("InvalidNextTokenException", "The next token was specified in an invalid format");
      const page = mine.slice(offset, offset + max);
      return {
        pipelineExecutionSummaries: page.map((e: Execution) => ({
          pipelineExecutionId: e.id,
          status: e.status,
          ...(e.stopReason !== undefined ? { stopTrigger: { reason: e.stopReason } } : {}),
          startTime: t(e.startTime),
          lastUpdateTime: t(e.lastUpdateTime),
          sourceRevisions: e.sourceRevisions,
          trigger: { triggerType: e.trigger },
          executionMode: spec.executionMode ?? "SUPERSEDED",
          executionType: e.executionType,
          ...(e.rollbackTarget ? { rollbackMetadata: { rollbackTargetPipelineExecutionId: e.rollbackTarget } } : {}),
        })),
        ...(offset + max < mine.length ? { nextToken: String(offset + max) } : {}),
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
              ...(r.spec.externalExecutionId && r.status !== "InProgress" ? { externalExecutionId: r.spec.externalExecutionId } : {}),
              ...(externalUrl(r.spec) && r.status !== "InProgress" ? { externalExecutionUrl: externalUrl(r.spec) } : {}),
              ...(r.status === "Failed" ? { errorDetails: { code: "JobFailed", message: r.summary ?? "the action failed" } } : {}),
              // PARALLEL mode: the waiting approval's token is only here.
              ...(r.token && spec.executionMode === "PARALLEL" && r.status === "InProgress" ? { externalExecutionId: r.token } : {}),
            },
          },
        })),
      };
    },
  };
}

/** A CodeBuild action's link is its build's console page unless the spec names one. */
export function externalUrl(spec: { externalExecutionId?: string; externalExecutionUrl?: string; provider?: string }): string | undefined {
  if (spec.externalExecutionUrl) return spec.externalExecutionUrl;
  if (spec.externalExecutionId && (spec.provider ?? "CodeBuild") === "CodeBuild") {
    return `https://console.aws.amazon.com/codebuild/home?region=us-east-1#/builds/${encodeURIComponent(spec.externalExecutionId)}/view/new`;
  }
  return undefined;
}
