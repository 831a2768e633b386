import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { awsJsonError, readBody } from "./aws-json-double.js";

/**
 * A stand-in for CodePipeline (moto 5.2.1 has no state, executions, approvals or jobs). It
 * speaks the awsJson1_1 protocol the SDK uses (X-Amz-Target CodePipeline_20150709.<Op>,
 * errors as {"__type","message"} with HTTP 400) and models pipelines whose executions walk
 * their actions one at a time:
 *
 * - ordinary actions finish when the test calls `step()`, or with `advanceOnPoll` on each
 *   GetPipelineExecution of that execution, or with `actionMs` when the double's clock (which
 *   the CLI's injected sleep moves) passes their end — no timers, so tests never sleep;
 * - Approval/Manual actions wait for PutApprovalResult with their token (in PARALLEL mode the
 *   token is not in GetPipelineState, only as ListActionExecutions' externalExecutionId);
 * - Custom actions wait for a job: PollForJobs hands it out with a nonce (again, with a new
 *   nonce, until it is acknowledged), AcknowledgeJob checks the nonce, PutJobSuccessResult /
 *   PutJobFailureResult finish the action;
 * - `supersede()` replaces a waiting execution by a newer one, optionally leaving the stale
 *   approval visible in GetPipelineState (the race `approve --pipeline` must guard against);
 * - more than `ratePerSecond` requests within one second of the double's clock are answered
 *   ThrottlingException; `throttleNext(n)` throttles the next n requests outright.
 *
 * Everything received is recorded so tests assert tokens, summaries and job results.
 */
export interface ActionSpec {
  name: string;
  category?: string;
  owner?: string;
  provider?: string;
  version?: string;
  configuration?: Record<string, string>;
  /** This action fails when it finishes (ordinary actions only). */
  fails?: boolean;
}

export interface PipelineSpec {
  name: string;
  executionMode?: "QUEUED" | "SUPERSEDED" | "PARALLEL";
  stages: { name: string; actions: ActionSpec[] }[];
}

interface ActionRun {
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

interface Execution {
  id: string;
  pipeline: string;
  status: "InProgress" | "Succeeded" | "Failed" | "Stopped" | "Superseded";
  startTime: number;
  lastUpdateTime: number;
  stageIndex: number;
  actionIndex: number;
  runs: ActionRun[];
}

export interface JobRecord {
  id: string;
  nonce: string;
  status: "Queued" | "Dispatched" | "InProgress" | "Succeeded" | "Failed";
  run: ActionRun;
  pipeline: string;
  configuration: Record<string, string>;
  actionTypeId: { category: string; owner: string; provider: string; version: string };
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

export interface DoubleOptions {
  pipelines?: PipelineSpec[];
  ratePerSecond?: number;
  /** Each GetPipelineExecution moves that execution one action on. */
  advanceOnPoll?: boolean;
  /** Ordinary actions take this long on the double's clock: advancing the clock finishes them. */
  actionMs?: number;
  /** ListPipelines page size. */
  pageSize?: number;
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
  /** Requests of one operation, in order. */
  calls(op: string): Record<string, unknown>[];
  stop(): Promise<void>;
}

const PREFIX = "CodePipeline_20150709.";

export async function startCodePipelineDouble(options: DoubleOptions = {}): Promise<CodePipelineDouble> {
  let now = Date.parse("2026-12-01T12:00:00Z");
  const pipelines = new Map<string, PipelineSpec>();
  const executions: Execution[] = [];
  const jobs: JobRecord[] = [];
  const received: Received[] = [];
  const accepted: number[] = [];
  let throttleCount = 0;

  const clock = {
    now: () => now,
    advance(ms: number) {
      now += ms;
      if (options.actionMs) tick(options.actionMs);
    },
  };

  /** Time-driven progress: every ordinary action ends `actionMs` after it started. */
  function tick(actionMs: number): void {
    for (const execution of executions) {
      for (;;) {
        const run = current(execution);
        if (!run || isApproval(run.spec) || isCustom(run.spec) || run.startTime + actionMs > now) break;
        const saved = now;
        now = run.startTime + actionMs;
        finish(execution, run, !run.spec.fails, run.spec.fails ? "the action failed" : undefined);
        enterStage(execution);
        now = saved;
      }
    }
  }

  const specOf = (pipeline: string) => {
    const spec = pipelines.get(pipeline);
    if (!spec) throw new ApiError("PipelineNotFoundException", `The account with id '123456789012' does not include a pipeline with the name ${pipeline}`);
    return spec;
  };
  const typeOf = (a: ActionSpec) => ({
    category: a.category ?? "Build",
    owner: a.owner ?? "AWS",
    provider: a.provider ?? "CodeBuild",
    version: a.version ?? "1",
  });
  const isApproval = (a: ActionSpec) => typeOf(a).category === "Approval";
  const isCustom = (a: ActionSpec) => typeOf(a).owner === "Custom";

  function begin(execution: Execution): void {
    const spec = specOf(execution.pipeline);
    const stage = spec.stages[execution.stageIndex];
    const action = stage?.actions[execution.actionIndex];
    if (!stage || !action) return;
    const run: ActionRun = {
      actionExecutionId: randomUUID(),
      pipelineExecutionId: execution.id,
      stage: stage.name,
      action: action.name,
      status: "InProgress",
      startTime: now,
      lastUpdateTime: now,
      spec: action,
      token: isApproval(action) ? randomUUID() : undefined,
    };
    execution.runs.push(run);
    if (isCustom(action)) {
      jobs.push({
        id: randomUUID(),
        nonce: "",
        status: "Queued",
        run,
        pipeline: execution.pipeline,
        configuration: action.configuration ?? {},
        actionTypeId: typeOf(action),
      });
    }
  }

  function finish(execution: Execution, run: ActionRun, ok: boolean, summary?: string): void {
    run.status = ok ? "Succeeded" : "Failed";
    run.summary = summary;
    run.lastUpdateTime = now;
    execution.lastUpdateTime = now;
    if (!ok) {
      execution.status = "Failed";
      return;
    }
    const spec = specOf(execution.pipeline);
    execution.actionIndex++;
    if (execution.actionIndex >= spec.stages[execution.stageIndex]!.actions.length) {
      execution.stageIndex++;
      execution.actionIndex = 0;
    }
    if (execution.stageIndex >= spec.stages.length) execution.status = "Succeeded";
    else begin(execution);
  }

  const current = (execution: Execution) => {
    const run = execution.runs[execution.runs.length - 1];
    return execution.status === "InProgress" && run?.status === "InProgress" ? run : undefined;
  };

  function stepOne(execution: Execution): boolean {
    const run = current(execution);
    if (!run || isApproval(run.spec) || isCustom(run.spec)) return false;
    now += 1000;
    finish(execution, run, !run.spec.fails, run.spec.fails ? "the action failed" : undefined);
    return true;
  }

  function startExecution(pipeline: string, stageIndex = 0): Execution {
    specOf(pipeline);
    const execution: Execution = {
      id: randomUUID(),
      pipeline,
      status: "InProgress",
      startTime: now,
      lastUpdateTime: now,
      stageIndex,
      actionIndex: 0,
      runs: [],
    };
    executions.push(execution);
    begin(execution);
    return execution;
  }

  const executionById = (pipeline: string, id: unknown) => {
    const found = executions.find((e) => e.pipeline === pipeline && e.id === id);
    if (!found) throw new ApiError("PipelineExecutionNotFoundException", `Pipeline execution with id '${String(id)}' not found in pipeline '${pipeline}'`);
    return found;
  };

  const t = (ms: number) => ms / 1000;

  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    ListPipelines(body) {
      const size = Math.min(Number(body.maxResults ?? options.pageSize ?? 100), options.pageSize ?? 100);
      const all = [...pipelines.values()];
      const offset = body.nextToken ? Number(body.nextToken) : 0;
      const page = all.slice(offset, offset + size);
      return {
        pipelines: page.map((p) => ({ name: p.name, version: 1, pipelineType: "V2", executionMode: p.executionMode ?? "SUPERSEDED", created: t(now), updated: t(now) })),
        ...(offset + size < all.length ? { nextToken: String(offset + size) } : {}),
      };
    },
    GetPipeline(body) {
      const spec = specOf(String(body.name));
      return {
        pipeline: {
          name: spec.name,
          roleArn: "arn:aws:iam::123456789012:role/pipeline",
          artifactStore: { type: "S3", location: "artifacts" },
          version: 1,
          pipelineType: "V2",
          executionMode: spec.executionMode ?? "SUPERSEDED",
          stages: spec.stages.map((s) => ({
            name: s.name,
            actions: s.actions.map((a, i) => ({ name: a.name, actionTypeId: typeOf(a), runOrder: i + 1, configuration: a.configuration ?? {} })),
          })),
        },
        metadata: { pipelineArn: `arn:aws:codepipeline:us-east-1:123456789012:${spec.name}`, created: t(now), updated: t(now) },
      };
    },
    GetPipelineState(body) {
      const spec = specOf(String(body.name));
      const parallel = spec.executionMode === "PARALLEL";
      const mine = executions.filter((e) => e.pipeline === spec.name);
      return {
        pipelineName: spec.name,
        pipelineVersion: 1,
        created: t(now),
        updated: t(now),
        stageStates: spec.stages.map((stage) => {
          const runs = mine.flatMap((e) => e.runs).filter((r) => r.stage === stage.name);
          const latestRun = stageLatest.get(`${spec.name}/${stage.name}`);
          const latest = latestRun ? mine.find((e) => e.id === latestRun) : undefined;
          return {
            stageName: stage.name,
            inboundTransitionState: { enabled: true },
            ...(latest ? { latestExecution: { pipelineExecutionId: latest.id, status: stageStatus(latest, stage.name) } } : {}),
            actionStates: stage.actions.map((action) => {
              const run = [...runs].reverse().find((r) => r.action === action.name);
              return {
                actionName: action.name,
                ...(run
                  ? {
                      latestExecution: {
                        actionExecutionId: run.actionExecutionId,
                        status: staleShown.has(run.actionExecutionId) ? "InProgress" : run.status,
                        lastStatusChange: t(run.lastUpdateTime),
                        ...(run.summary ? { summary: run.summary } : {}),
                        ...(run.token && !parallel && (run.status === "InProgress" || staleShown.has(run.actionExecutionId)) ? { token: run.token } : {}),
                      },
                    }
                  : {}),
              };
            }),
          };
        }),
      };
    },
    StartPipelineExecution(body) {
      const idempotent = body.clientRequestToken ? startedBy.get(String(body.clientRequestToken)) : undefined;
      if (idempotent) return { pipelineExecutionId: idempotent };
      const execution = startExecution(String(body.name));
      enterStage(execution);
      if (body.clientRequestToken) startedBy.set(String(body.clientRequestToken), execution.id);
      return { pipelineExecutionId: execution.id };
    },
    GetPipelineExecution(body) {
      const execution = executionById(String(body.pipelineName), body.pipelineExecutionId);
      if (options.advanceOnPoll) {
        stepOne(execution);
        enterStage(execution);
      }
      return {
        pipelineExecution: {
          pipelineName: execution.pipeline,
          pipelineVersion: 1,
          pipelineExecutionId: execution.id,
          status: execution.status,
          executionMode: specOf(execution.pipeline).executionMode ?? "SUPERSEDED",
          artifactRevisions: [],
        },
      };
    },
    ListPipelineExecutions(body) {
      specOf(String(body.pipelineName));
      const mine = executions.filter((e) => e.pipeline === body.pipelineName).reverse();
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
      const spec = specOf(String(body.pipelineName));
      const filter = (body.filter ?? {}) as { pipelineExecutionId?: string };
      const runs = executions
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
              ...(r.token && spec.executionMode === "PARALLEL" && r.status === "InProgress" ? { externalExecutionId: r.token } : {}),
            },
          },
        })),
      };
    },
    PutApprovalResult(body) {
      const spec = specOf(String(body.pipelineName));
      const stage = spec.stages.find((s) => s.name === body.stageName);
      if (!stage) throw new ApiError("StageNotFoundException", `Stage ${String(body.stageName)} not found`);
      if (!stage.actions.some((a) => a.name === body.actionName)) throw new ApiError("ActionNotFoundException", `Action ${String(body.actionName)} not found`);
      const result = (body.result ?? {}) as { status?: string; summary?: string };
      if (typeof result.summary === "string" && result.summary.length > 512) throw new ApiError("ValidationException", "summary: length must be <= 512");
      if (result.status !== "Approved" && result.status !== "Rejected") throw new ApiError("ValidationException", "result.status must be Approved or Rejected");
      const run = executions
        .filter((e) => e.pipeline === spec.name)
        .flatMap((e) => e.runs)
        .find((r) => r.token === body.token && r.stage === body.stageName && r.action === body.actionName);
      if (!run) throw new ApiError("InvalidApprovalTokenException", `The token for ${String(body.stageName)}/${String(body.actionName)} is not valid`);
      if (run.status !== "InProgress") {
        if (run.status === "Abandoned") throw new ApiError("InvalidApprovalTokenException", "The approval request is no longer in progress");
        throw new ApiError("ApprovalAlreadyCompletedException", "The approval request has already been completed");
      }
      const execution = executions.find((e) => e.id === run.pipelineExecutionId)!;
      now += 1000;
      finish(execution, run, result.status === "Approved", result.summary);
      enterStage(execution);
      return { approvedAt: t(now) };
    },
    PollForJobs(body) {
      const type = (body.actionTypeId ?? {}) as Record<string, string>;
      const max = Number(body.maxBatchSize ?? 1);
      const ready = jobs
        // Not yet acknowledged jobs go out again (with a new nonce): two workers can get one job,
        // and only the nonce of the latest hand-out acknowledges it.
        .filter((j) => (j.status === "Queued" || j.status === "Dispatched") && (Object.keys(j.actionTypeId) as (keyof JobRecord["actionTypeId"])[]).every((k) => j.actionTypeId[k] === type[k]))
        .slice(0, max);
      return {
        jobs: ready.map((job) => {
          job.status = "Dispatched";
          job.nonce = String(Math.floor(Math.random() * 1e9));
          return {
            id: job.id,
            nonce: job.nonce,
            accountId: "123456789012",
            data: {
              actionTypeId: job.actionTypeId,
              actionConfiguration: { configuration: job.configuration },
              pipelineContext: {
                pipelineName: job.pipeline,
                stage: { name: job.run.stage },
                action: { name: job.run.action, actionExecutionId: job.run.actionExecutionId },
                pipelineArn: `arn:aws:codepipeline:us-east-1:123456789012:${job.pipeline}`,
                pipelineExecutionId: job.run.pipelineExecutionId,
              },
              inputArtifacts: [],
              outputArtifacts: [],
              artifactCredentials: { accessKeyId: "ASIAARTIFACT", secretAccessKey: ARTIFACT_SECRET, sessionToken: ARTIFACT_SESSION },
            },
          };
        }),
      };
    },
    AcknowledgeJob(body) {
      const job = jobById(body.jobId);
      if (body.nonce !== job.nonce) throw new ApiError("InvalidNonceException", "The nonce was specified in an invalid format");
      if (job.status !== "Dispatched" && job.status !== "InProgress") throw new ApiError("InvalidJobStateException", `Job is ${job.status}`);
      job.status = "InProgress";
      return { status: "InProgress" };
    },
    PutJobSuccessResult(body) {
      const job = jobById(body.jobId);
      if (job.status !== "InProgress") throw new ApiError("InvalidJobStateException", `Job is ${job.status}, not InProgress`);
      const details = (body.executionDetails ?? {}) as { summary?: string };
      if ((details.summary ?? "").length > 2048) throw new ApiError("ValidationException", "executionDetails.summary: length must be <= 2048");
      job.status = "Succeeded";
      job.result = { kind: "success", summary: details.summary };
      const execution = executions.find((e) => e.id === job.run.pipelineExecutionId)!;
      finish(execution, job.run, true, details.summary);
      enterStage(execution);
      return {};
    },
    PutJobFailureResult(body) {
      const job = jobById(body.jobId);
      if (job.status !== "InProgress") throw new ApiError("InvalidJobStateException", `Job is ${job.status}, not InProgress`);
      const details = (body.failureDetails ?? {}) as { type?: string; message?: string };
      if ((details.message ?? "").length > 5000) throw new ApiError("ValidationException", "failureDetails.message: length must be <= 5000");
      job.status = "Failed";
      job.result = { kind: "failure", type: String(details.type), message: String(details.message) };
      const execution = executions.find((e) => e.id === job.run.pipelineExecutionId)!;
      finish(execution, job.run, false, details.message);
      return {};
    },
  };

  function jobById(id: unknown): JobRecord {
    const job = jobs.find((j) => j.id === id);
    if (!job) throw new ApiError("JobNotFoundException", `Job ${String(id)} not found`);
    return job;
  }

  // Which execution last entered each stage (GetPipelineState's stage latestExecution).
  const stageLatest = new Map<string, string>();
  const startedBy = new Map<string, string>();
  const staleShown = new Set<string>();
  function enterStage(execution: Execution): void {
    const stage = specOf(execution.pipeline).stages[execution.stageIndex];
    if (stage && execution.status === "InProgress") stageLatest.set(`${execution.pipeline}/${stage.name}`, execution.id);
  }
  function stageStatus(execution: Execution, stage: string): string {
    const runs = execution.runs.filter((r) => r.stage === stage);
    if (runs.some((r) => r.status === "Failed")) return "Failed";
    if (execution.status === "Superseded" || execution.status === "Stopped") return execution.status === "Superseded" ? "Cancelled" : "Stopped";
    if (runs.some((r) => r.status === "InProgress")) return "InProgress";
    return "Succeeded";
  }

  const double: CodePipelineDouble = {
    url: "",
    received,
    throttled: 0,
    jobs,
    clock,
    addPipeline: (spec) => void pipelines.set(spec.name, spec),
    start(pipeline) {
      const execution = startExecution(pipeline);
      enterStage(execution);
      return execution.id;
    },
    step(executionId) {
      for (const e of executions.filter((x) => !executionId || x.id === executionId)) {
        stepOne(e);
        enterStage(e);
      }
    },
    runUntilBlocked(executionId) {
      const e = executions.find((x) => x.id === executionId)!;
      while (stepOne(e)) enterStage(e);
    },
    supersede(executionId, opts = {}) {
      const old = executions.find((x) => x.id === executionId)!;
      const waiting = current(old);
      old.status = "Superseded";
      old.lastUpdateTime = now;
      if (waiting) {
        waiting.status = "Abandoned";
        if (opts.leaveStaleApproval) staleShown.add(waiting.actionExecutionId);
      }
      // The newer execution enters the same stage and runs that stage's first action.
      const newer = startExecution(old.pipeline, old.stageIndex);
      enterStage(newer);
      return newer.id;
    },
    execution(id) {
      const e = executions.find((x) => x.id === id)!;
      const run = current(e);
      return { status: e.status, stage: run?.stage, action: run?.action };
    },
    throttleNext: (count) => void (throttleCount += count),
    calls: (op) => received.filter((r) => r.op === op).map((r) => r.body),
    stop: async () => {},
  };
  for (const spec of options.pipelines ?? []) double.addPipeline(spec);

  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const op = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : "";
      const handler = handlers[op];
      if (!handler) return awsJsonError(res, "UnknownOperationException", `unsupported target ${target}`);
      if (throttleCount > 0 || overRate()) {
        if (throttleCount > 0) throttleCount--;
        double.throttled++;
        return awsJsonError(res, "ThrottlingException", "Rate exceeded");
      }
      let body: Record<string, unknown>;
      try {
        body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      } catch {
        return awsJsonError(res, "SerializationException", "body is not JSON");
      }
      received.push({ op, at: now, body });
      try {
        const out = handler(body);
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() });
        res.end(JSON.stringify(out));
      } catch (error) {
        if (error instanceof ApiError) return awsJsonError(res, error.code, error.message);
        return awsJsonError(res, "InternalFailure", String(error), 500);
      }
    });
  });

  function overRate(): boolean {
    if (!options.ratePerSecond) return false;
    while (accepted.length && accepted[0]! <= now - 1000) accepted.shift();
    if (accepted.length >= options.ratePerSecond) return true;
    accepted.push(now);
    return false;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  double.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  server.keepAliveTimeout = 1000;
  double.stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return double;
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}


