import {
  AcknowledgeJobCommand,
  type ActionTypeId,
  CodePipelineClient,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  PollForJobsCommand,
  PutApprovalResultCommand,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  RetryStageExecutionCommand,
  RollbackStageCommand,
  type SourceRevisionType,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from "@aws-sdk/client-codepipeline";
import type { AwsClientFactory } from "./factory.js";

/**
 * The CodePipeline calls awsblog makes, as plain data (no SDK types leak out). The client makes
 * one attempt per call: retries and pacing live in src/lib/pipeline/retrying.ts, where they use
 * the context's sleep and randomness (tests stay instant). The factory bounds every call by
 * --cli-read-timeout, so a silent endpoint ends the run with exit 1 instead of hanging.
 */
export interface ActionType {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

export interface PipelineDefinition {
  name: string;
  executionMode: string;
  /** V1 or V2 (variables, rollback and source revision overrides need V2). */
  pipelineType: string;
  /** Pipeline-level variables (V2) with their defaults. */
  variables: { name: string; defaultValue?: string }[];
  stages: { name: string; actions: { name: string; actionType: ActionType; configuration: Record<string, string> }[] }[];
}

export interface ActionStateView {
  name: string;
  actionExecutionId?: string;
  status?: string;
  summary?: string;
  lastStatusChange?: Date;
  token?: string;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  /** errorDetails.message of a failed action. */
  errorMessage?: string;
}

export interface StageStateView {
  name: string;
  executionId?: string;
  status?: string;
  /** The inbound transition (absent: enabled). */
  inboundDisabled?: { reason?: string; by?: string; at?: Date };
  actions: ActionStateView[];
}

export interface ExecutionView {
  executionId: string;
  status: string;
  statusSummary?: string;
  startTime?: Date;
  lastUpdateTime?: Date;
  trigger?: string;
  sourceRevisions?: { action: string; revisionId?: string; summary?: string }[];
}

export interface ActionExecutionView {
  executionId: string;
  actionExecutionId: string;
  stage: string;
  action: string;
  status: string;
  startTime?: Date;
  lastUpdateTime?: Date;
  actionType?: ActionType;
  configuration: Record<string, string>;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  summary?: string;
  /** errorDetails.message of a failed action. */
  errorMessage?: string;
}

export interface JobView {
  id: string;
  nonce: string;
  pipeline: string;
  stage: string;
  action: string;
  executionId: string;
  configuration: Record<string, string>;
}

export interface CodePipelineApi {
  getPipeline(name: string): Promise<PipelineDefinition>;
  getPipelineState(name: string): Promise<StageStateView[]>;
  listPipelines(): Promise<string[]>;
  getPipelineExecution(pipeline: string, executionId: string): Promise<ExecutionView>;
  /** The newest `max` executions (pages followed); `succeededInStage` filters to runs that passed that stage. */
  listPipelineExecutions(pipeline: string, max: number, succeededInStage?: string): Promise<ExecutionView[]>;
  startPipelineExecution(pipeline: string, clientRequestToken: string, overrides?: StartOverrides): Promise<string>;
  stopPipelineExecution(input: { pipeline: string; executionId: string; abandon: boolean; reason?: string }): Promise<void>;
  retryStageExecution(input: { pipeline: string; stage: string; executionId: string; mode: "FAILED_ACTIONS" | "ALL_ACTIONS" }): Promise<string>;
  rollbackStage(input: { pipeline: string; stage: string; targetExecutionId: string }): Promise<string>;
  setStageTransition(input: { pipeline: string; stage: string; direction: "Inbound" | "Outbound"; enabled: boolean; reason?: string }): Promise<void>;
  /** The region the client calls (for console links). */
  region(): Promise<string>;
  /** Every action execution of one pipeline execution (all pages). */
  listActionExecutions(pipeline: string, executionId: string): Promise<ActionExecutionView[]>;
  putApprovalResult(input: { pipeline: string; stage: string; action: string; token: string; status: "Approved" | "Rejected"; summary: string }): Promise<void>;
  pollForJobs(actionType: ActionType, maxBatchSize: number): Promise<JobView[]>;
  acknowledgeJob(jobId: string, nonce: string): Promise<string>;
  putJobSuccessResult(jobId: string, summary: string): Promise<void>;
  putJobFailureResult(jobId: string, message: string): Promise<void>;
}

export interface StartOverrides {
  variables?: { name: string; value: string }[];
  sourceRevisions?: { actionName: string; revisionType: string; revisionValue: string }[];
}

export interface CodePipelineApiOptions {
  /** Ctrl-C: read calls stop at once; calls that report an outcome are never cut short. */
  signal?: AbortSignal;
}

const ONE_ATTEMPT = {
  mode: "standard",
  acquireInitialRetryToken: async () => ({ getRetryCount: () => 0, getRetryDelay: () => 0 }),
  refreshRetryTokenForRetry: async (_token: unknown, info: unknown): Promise<never> => {
    throw info; // the SDK then throws the call's own error
  },
  recordSuccess: () => {},
};

export async function createCodePipelineApi(aws: AwsClientFactory, options: CodePipelineApiOptions = {}): Promise<CodePipelineApi> {
  const client = await aws.client(CodePipelineClient, { maxAttempts: 1 });
  // The factory's adaptive mode would also add a client-side rate limiter that waits on the
  // wall clock after a throttle; our callers pace themselves, so: exactly one attempt.
  (client.config as unknown as { retryStrategy: () => Promise<unknown> }).retryStrategy = async () => ONE_ATTEMPT;
  const read = <T>(_operation: string, send: (abortSignal?: AbortSignal) => Promise<T>) => send(options.signal);
  const write = <T>(_operation: string, send: (abortSignal?: AbortSignal) => Promise<T>) => send(undefined);

  return {
    async getPipeline(name) {
      const out = await read("GetPipeline", (abortSignal) => client.send(new GetPipelineCommand({ name }), { abortSignal }));
      const p = out.pipeline;
      return {
        name: p?.name ?? name,
        executionMode: p?.executionMode ?? "SUPERSEDED",
        pipelineType: p?.pipelineType ?? "V1",
        variables: (p?.variables ?? []).map((v) => ({ name: v.name ?? "", defaultValue: v.defaultValue })),
        stages: (p?.stages ?? []).map((s) => ({
          name: s.name ?? "",
          actions: (s.actions ?? []).map((a) => ({
            name: a.name ?? "",
            actionType: {
              category: a.actionTypeId?.category ?? "",
              owner: a.actionTypeId?.owner ?? "",
              provider: a.actionTypeId?.provider ?? "",
              version: a.actionTypeId?.version ?? "",
            },
            configuration: a.configuration ?? {},
          })),
        })),
      };
    },
    async getPipelineState(name) {
      const out = await read("GetPipelineState", (abortSignal) => client.send(new GetPipelineStateCommand({ name }), { abortSignal }));
      return (out.stageStates ?? []).map((s) => ({
        name: s.stageName ?? "",
        executionId: s.latestExecution?.pipelineExecutionId,
        status: s.latestExecution?.status,
        ...(s.inboundTransitionState?.enabled === false
          ? { inboundDisabled: { reason: s.inboundTransitionState.disabledReason, by: s.inboundTransitionState.lastChangedBy, at: s.inboundTransitionState.lastChangedAt } }
          : {}),
        actions: (s.actionStates ?? []).map((a) => ({
          name: a.actionName ?? "",
          actionExecutionId: a.latestExecution?.actionExecutionId,
          status: a.latestExecution?.status,
          summary: a.latestExecution?.summary,
          lastStatusChange: a.latestExecution?.lastStatusChange,
          token: a.latestExecution?.token,
          externalExecutionId: a.latestExecution?.externalExecutionId,
          externalExecutionUrl: a.latestExecution?.externalExecutionUrl,
          errorMessage: a.latestExecution?.errorDetails?.message,
        })),
      }));
    },
    async listPipelines() {
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const out = await read("ListPipelines", (abortSignal) => client.send(new ListPipelinesCommand({ nextToken }), { abortSignal }));
        for (const p of out.pipelines ?? []) if (p.name) names.push(p.name);
        nextToken = out.nextToken;
      } while (nextToken);
      return names;
    },
    async getPipelineExecution(pipelineName, pipelineExecutionId) {
      const out = await read("GetPipelineExecution", (abortSignal) =>
        client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }), { abortSignal }),
      );
      const e = out.pipelineExecution;
      return { executionId: e?.pipelineExecutionId ?? pipelineExecutionId, status: e?.status ?? "Unknown", statusSummary: e?.statusSummary };
    },
    async listPipelineExecutions(pipelineName, max, succeededInStage) {
      const found: ExecutionView[] = [];
      let nextToken: string | undefined;
      do {
        const out = await read("ListPipelineExecutions", (abortSignal) =>
          client.send(
            new ListPipelineExecutionsCommand({
              pipelineName,
              maxResults: Math.min(100, max - found.length),
              nextToken,
              ...(succeededInStage ? { filter: { succeededInStage: { stageName: succeededInStage } } } : {}),
            }),
            { abortSignal },
          ),
        );
        for (const e of out.pipelineExecutionSummaries ?? []) {
          found.push({
            executionId: e.pipelineExecutionId ?? "",
            status: e.status ?? "Unknown",
            statusSummary: e.statusSummary,
            startTime: e.startTime,
            lastUpdateTime: e.lastUpdateTime,
            trigger: e.trigger?.triggerType,
            sourceRevisions: (e.sourceRevisions ?? []).map((r) => ({ action: r.actionName ?? "", revisionId: r.revisionId, summary: r.revisionSummary })),
          });
        }
        nextToken = out.nextToken;
      } while (nextToken && found.length < max);
      return found.slice(0, max);
    },
    async startPipelineExecution(name, clientRequestToken, overrides = {}) {
      const out = await write("StartPipelineExecution", (abortSignal) =>
        client.send(
          new StartPipelineExecutionCommand({
            name,
            clientRequestToken,
            ...(overrides.variables?.length ? { variables: overrides.variables } : {}),
            ...(overrides.sourceRevisions?.length
              ? { sourceRevisions: overrides.sourceRevisions.map((r) => ({ ...r, revisionType: r.revisionType as SourceRevisionType })) }
              : {}),
          }),
          { abortSignal },
        ),
      );
      return out.pipelineExecutionId ?? "";
    },
    async stopPipelineExecution({ pipeline, executionId, abandon, reason }) {
      await write("StopPipelineExecution", (abortSignal) =>
        client.send(new StopPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId, abandon, reason }), { abortSignal }),
      );
    },
    async retryStageExecution({ pipeline, stage, executionId, mode }) {
      const out = await write("RetryStageExecution", (abortSignal) =>
        client.send(new RetryStageExecutionCommand({ pipelineName: pipeline, stageName: stage, pipelineExecutionId: executionId, retryMode: mode }), { abortSignal }),
      );
      return out.pipelineExecutionId ?? executionId;
    },
    async rollbackStage({ pipeline, stage, targetExecutionId }) {
      const out = await write("RollbackStage", (abortSignal) =>
        client.send(new RollbackStageCommand({ pipelineName: pipeline, stageName: stage, targetPipelineExecutionId: targetExecutionId }), { abortSignal }),
      );
      return out.pipelineExecutionId ?? "";
    },
    async setStageTransition({ pipeline, stage, direction, enabled, reason }) {
      const input = { pipelineName: pipeline, stageName: stage, transitionType: direction };
      await write(enabled ? "EnableStageTransition" : "DisableStageTransition", (abortSignal) =>
        enabled
          ? client.send(new EnableStageTransitionCommand(input), { abortSignal })
          : client.send(new DisableStageTransitionCommand({ ...input, reason: reason ?? "" }), { abortSignal }),
      );
    },
    async region() {
      return (await (client.config as unknown as { region: () => Promise<string> }).region()) ?? "us-east-1";
    },
    async listActionExecutions(pipelineName, pipelineExecutionId) {
      const found: ActionExecutionView[] = [];
      let nextToken: string | undefined;
      do {
        const out = await read("ListActionExecutions", (abortSignal) =>
          client.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId }, nextToken, maxResults: 100 }), { abortSignal }),
        );
        for (const d of out.actionExecutionDetails ?? []) {
          found.push({
            executionId: d.pipelineExecutionId ?? "",
            actionExecutionId: d.actionExecutionId ?? "",
            stage: d.stageName ?? "",
            action: d.actionName ?? "",
            status: d.status ?? "Unknown",
            startTime: d.startTime,
            lastUpdateTime: d.lastUpdateTime,
            actionType: d.input?.actionTypeId as ActionType | undefined,
            configuration: d.input?.configuration ?? {},
            externalExecutionId: d.output?.executionResult?.externalExecutionId,
            externalExecutionUrl: d.output?.executionResult?.externalExecutionUrl,
            summary: d.output?.executionResult?.externalExecutionSummary,
            errorMessage: d.output?.executionResult?.errorDetails?.message,
          });
        }
        nextToken = out.nextToken;
      } while (nextToken);
      return found;
    },
    async putApprovalResult({ pipeline, stage, action, token, status, summary }) {
      await write("PutApprovalResult", (abortSignal) =>
        client.send(
          new PutApprovalResultCommand({ pipelineName: pipeline, stageName: stage, actionName: action, token, result: { status, summary } }),
          { abortSignal },
        ),
      );
    },
    async pollForJobs(actionTypeId, maxBatchSize) {
      const out = await read("PollForJobs", (abortSignal) => client.send(new PollForJobsCommand({ actionTypeId: actionTypeId as ActionTypeId, maxBatchSize }), { abortSignal }));
      // artifactCredentials are deliberately dropped here: nothing downstream can log them.
      return (out.jobs ?? []).map((job) => ({
        id: job.id ?? "",
        nonce: job.nonce ?? "",
        pipeline: job.data?.pipelineContext?.pipelineName ?? "",
        stage: job.data?.pipelineContext?.stage?.name ?? "",
        action: job.data?.pipelineContext?.action?.name ?? "",
        executionId: job.data?.pipelineContext?.pipelineExecutionId ?? "",
        configuration: job.data?.actionConfiguration?.configuration ?? {},
      }));
    },
    async acknowledgeJob(jobId, nonce) {
      const out = await write("AcknowledgeJob", (abortSignal) => client.send(new AcknowledgeJobCommand({ jobId, nonce }), { abortSignal }));
      return out.status ?? "Unknown";
    },
    async putJobSuccessResult(jobId, summary) {
      await write("PutJobSuccessResult", (abortSignal) =>
        client.send(new PutJobSuccessResultCommand({ jobId, executionDetails: { summary, percentComplete: 100 } }), { abortSignal }),
      );
    },
    async putJobFailureResult(jobId, message) {
      await write("PutJobFailureResult", (abortSignal) =>
        client.send(new PutJobFailureResultCommand({ jobId, failureDetails: { type: "JobFailed", message } }), { abortSignal }),
      );
    },
  };
}
