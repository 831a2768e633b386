/** What a test (or the playground) declares, and what the CodePipeline double records. */
export interface ActionSpec {
  name: string;
  category?: string;
  owner?: string;
  provider?: string;
  version?: string;
  configuration?: Record<string, string>;
  /** This action fails when it finishes (ordinary actions only); tests may clear it before a retry. */
  fails?: boolean;
  /** The failure's errorDetails.message (default "the action failed"). */
  failureMessage?: string;
  /** What the action ran elsewhere (a CodeBuild build id): ListActionExecutions/GetPipelineState externalExecutionId. */
  externalExecutionId?: string;
  externalExecutionUrl?: string;
}

export interface PipelineSpec {
  name: string;
  executionMode?: "QUEUED" | "SUPERSEDED" | "PARALLEL";
  /** Default V2; V1 pipelines refuse variables. */
  pipelineType?: "V1" | "V2";
  /** Declared pipeline variables (V2). */
  variables?: { name: string; defaultValue?: string }[];
  stages: { name: string; actions: ActionSpec[] }[];
}

export interface ActionTypeId {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

export interface ActionRun {
  actionExecutionId: string;
  pipelineExecutionId: string;
  stage: string;
  action: string;
  status: "InProgress" | "Succeeded" | "Failed" | "Abandoned";
  startTime: number;
  lastUpdateTime: number;
  summary?: string;
  token?: string;
  spec: ActionSpec;
}

export interface Execution {
  id: string;
  pipeline: string;
  status: "InProgress" | "Stopping" | "Succeeded" | "Failed" | "Stopped" | "Superseded";
  startTime: number;
  lastUpdateTime: number;
  stageIndex: number;
  actionIndex: number;
  runs: ActionRun[];
  trigger: string;
  executionType: "STANDARD" | "ROLLBACK";
  /** A rollback runs this one stage only. */
  onlyStage?: number;
  rollbackTarget?: string;
  variables: { name: string; resolvedValue: string }[];
  sourceRevisions: { actionName: string; revisionId: string; revisionSummary?: string }[];
  /** Stopped with "stop and wait" (a later abandon is allowed) or abandoned. */
  stopMode?: "wait" | "abandon";
  stopReason?: string;
  /** Waiting at a disabled transition before this stage. */
  waitingAtTransition?: boolean;
}

export interface JobRecord {
  id: string;
  nonce: string;
  status: "Queued" | "Dispatched" | "InProgress" | "Succeeded" | "Failed";
  run: ActionRun;
  pipeline: string;
  configuration: Record<string, string>;
  actionTypeId: ActionTypeId;
  /** Set by PutJobSuccessResult / PutJobFailureResult. */
  result?: { kind: "success"; summary?: string } | { kind: "failure"; type: string; message: string };
}

export interface Received {
  op: string;
  at: number;
  body: Record<string, unknown>;
}

/** What the test hands the double: artifact credentials it must never see in output. */
export const ARTIFACT_SECRET = "ARTIFACT-SECRET-KEY-do-not-log";
export const ARTIFACT_SESSION = "ARTIFACT-SESSION-TOKEN-do-not-log";

export const ACCOUNT = "123456789012";

export interface DoubleOptions {
  pipelines?: PipelineSpec[];
  ratePerSecond?: number;
  /** Each GetPipelineExecution moves that execution one action on. */
  advanceOnPoll?: boolean;
  /** Ordinary actions take this long on the double's clock: advancing the clock finishes them. */
  actionMs?: number;
  /** ListPipelines page size. */
  pageSize?: number;
  /** The double's clock starts here (ms since the epoch); default 2026-12-01T12:00:00Z. */
  startAt?: number;
}

export interface CodePipelineDouble {
  url: string;
  received: Received[];
  throttled: number;
  jobs: JobRecord[];
  /** The double's clock (ms): starts at a fixed date; `advance` moves it. */
  clock: { now(): number; advance(ms: number): void };
  addPipeline(spec: PipelineSpec): void;
  /** Starts an execution as StartPipelineExecution would; returns its id. */
  start(pipeline: string): string;
  /** Finishes the running ordinary action of each (or one) in-progress execution. */
  step(executionId?: string): void;
  /** Steps until the execution waits on an approval/job or ends. */
  runUntilBlocked(executionId: string): void;
  /** Marks an execution Superseded by a new one that enters the same stage. */
  supersede(executionId: string, options?: { leaveStaleApproval?: boolean }): string;
  execution(id: string): { status: string; stage: string | undefined; action: string | undefined };
  throttleNext(count: number): void;
  /** Stop/retry/rollback on this pipeline answer ConflictException while busy. */
  setBusy(pipeline: string, busy: boolean): void;
  /** Requests of one operation, in order. */
  calls(op: string): Record<string, unknown>[];
  stop(): Promise<void>;
}

/** One operation: the request body in, the response body out (or an AwsJsonFault thrown). */
export type Handler = (body: Record<string, unknown>) => unknown;

/** Seconds since the epoch, as the awsJson protocol sends timestamps. */
export const seconds = (ms: number) => ms / 1000;
