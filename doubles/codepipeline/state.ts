import { randomUUID } from "node:crypto";
import { AwsJsonFault } from "../aws-json.js";
import { ACCOUNT, type ActionRun, type ActionSpec, type ActionTypeId, type Execution, type JobRecord, type PipelineSpec } from "./types.js";

/**
 * The CodePipeline double's state: pipelines, executions walking their actions one at a time,
 * and the jobs custom actions wait on. Time is the double's own clock (`now`), never the wall
 * clock, so tests move it and never sleep.
 */
export class PipelineState {
  now: number;
  readonly pipelines = new Map<string, PipelineSpec>();
  readonly executions: Execution[] = [];
  readonly jobs: JobRecord[] = [];
  /** Which execution last entered each stage (GetPipelineState's stage latestExecution). */
  readonly stageLatest = new Map<string, string>();
  /** clientRequestToken → execution id (StartPipelineExecution is idempotent on it). */
  readonly startedBy = new Map<string, string>();
  /** Abandoned approvals GetPipelineState still shows as waiting (a stale token). */
  readonly staleShown = new Set<string>();
  /** Disabled transitions: `pipeline/stage/Inbound|Outbound` → why and when. */
  readonly disabled = new Map<string, { reason: string; at: number }>();
  /** Pipelines answering ConflictException to stop/retry/rollback. */
  readonly busy = new Set<string>();

  constructor(startAt: number) {
    this.now = startAt;
  }

  specOf(pipeline: string): PipelineSpec {
    const spec = this.pipelines.get(pipeline);
    if (!spec) throw new AwsJsonFault("PipelineNotFoundException", `The account with id '${ACCOUNT}' does not include a pipeline with the name ${pipeline}`);
    return spec;
  }

  executionById(pipeline: string, id: unknown): Execution {
    const found = this.executions.find((e) => e.pipeline === pipeline && e.id === id);
    if (!found) throw new AwsJsonFault("PipelineExecutionNotFoundException", `Pipeline execution with id '${String(id)}' not found in pipeline '${pipeline}'`);
    return found;
  }

  jobById(id: unknown): JobRecord {
    const job = this.jobs.find((j) => j.id === id);
    if (!job) throw new AwsJsonFault("JobNotFoundException", `Job ${String(id)} not found`);
    return job;
  }

  /** The execution's running action, if it is running one. */
  current(execution: Execution): ActionRun | undefined {
    const run = execution.runs[execution.runs.length - 1];
    return (execution.status === "InProgress" || execution.status === "Stopping") && run?.status === "InProgress" ? run : undefined;
  }

  startExecution(pipeline: string, stageIndex = 0, extra: Partial<Execution> = {}): Execution {
    const spec = this.specOf(pipeline);
    const sourceRevisions = spec.stages
      .flatMap((s) => s.actions)
      .filter((a) => typeOf(a).category === "Source")
      .map((a) => ({ actionName: a.name, revisionId: randomUUID().replace(/-/g, "").slice(0, 40), revisionSummary: "commit message" }));
    const execution: Execution = {
      id: randomUUID(),
      pipeline,
      status: "InProgress",
      startTime: this.now,
      lastUpdateTime: this.now,
      stageIndex,
      actionIndex: 0,
      runs: [],
      trigger: "StartPipelineExecution",
      executionType: "STANDARD",
      variables: (spec.variables ?? []).filter((v) => v.defaultValue !== undefined).map((v) => ({ name: v.name, resolvedValue: v.defaultValue! })),
      sourceRevisions,
      ...extra,
    };
    this.executions.push(execution);
    this.begin(execution);
    this.enterStage(execution);
    return execution;
  }

  /** Starts the execution's current action again (a retried stage). */
  resume(execution: Execution): void {
    this.begin(execution);
    this.enterStage(execution);
  }

  /** Is the transition into stage `index` of this pipeline disabled (its inbound, or the previous stage's outbound)? */
  blocked(pipeline: string, index: number): boolean {
    const stages = this.specOf(pipeline).stages;
    const into = stages[index];
    const before = stages[index - 1];
    return Boolean((into && this.disabled.has(`${pipeline}/${into.name}/Inbound`)) || (before && this.disabled.has(`${pipeline}/${before.name}/Outbound`)));
  }

  /** Starts the execution's current action: approvals get a token, custom actions a job. */
  private begin(execution: Execution): void {
    const stage = this.specOf(execution.pipeline).stages[execution.stageIndex];
    const action = stage?.actions[execution.actionIndex];
    if (!stage || !action) return;
    const run: ActionRun = {
      actionExecutionId: randomUUID(),
      pipelineExecutionId: execution.id,
      stage: stage.name,
      action: action.name,
      status: "InProgress",
      startTime: this.now,
      lastUpdateTime: this.now,
      spec: action,
      token: isApproval(action) ? randomUUID() : undefined,
    };
    execution.runs.push(run);
    if (isCustom(action)) {
      this.jobs.push({ id: randomUUID(), nonce: "", status: "Queued", run, pipeline: execution.pipeline, configuration: action.configuration ?? {}, actionTypeId: typeOf(action) });
    }
  }

  /** Ends an action; a success moves the execution to its next action (or ends it). */
  finish(execution: Execution, run: ActionRun, ok: boolean, summary?: string): void {
    run.status = ok ? "Succeeded" : "Failed";
    run.summary = summary;
    run.lastUpdateTime = this.now;
    execution.lastUpdateTime = this.now;
    if (execution.status === "Stopping") {
      execution.status = "Stopped";
      return;
    }
    if (!ok) {
      execution.status = "Failed";
      return;
    }
    const spec = this.specOf(execution.pipeline);
    execution.actionIndex++;
    const stageDone = execution.actionIndex >= spec.stages[execution.stageIndex]!.actions.length;
    if (stageDone) {
      execution.stageIndex++;
      execution.actionIndex = 0;
    }
    if (execution.stageIndex >= spec.stages.length || (stageDone && execution.onlyStage !== undefined)) execution.status = "Succeeded";
    else if (stageDone && this.blocked(execution.pipeline, execution.stageIndex)) execution.waitingAtTransition = true;
    else this.begin(execution);
    this.enterStage(execution);
  }

  /** Finishes the running ordinary action one second later; false when it waits on someone. */
  stepOne(execution: Execution): boolean {
    const run = this.current(execution);
    if (!run || isApproval(run.spec) || isCustom(run.spec)) return false;
    this.now += 1000;
    this.finishOrdinary(execution, run);
    return true;
  }

  /** Time-driven progress: every ordinary action ends `actionMs` after it started. */
  tick(actionMs: number): void {
    for (const execution of this.executions) {
      for (;;) {
        const run = this.current(execution);
        if (!run || isApproval(run.spec) || isCustom(run.spec) || run.startTime + actionMs > this.now) break;
        const saved = this.now;
        this.now = run.startTime + actionMs;
        this.finishOrdinary(execution, run);
        this.now = saved;
      }
    }
  }

  /** Replaces a waiting execution by a newer one entering the same stage. */
  supersede(old: Execution, leaveStaleApproval: boolean): Execution {
    const waiting = this.current(old);
    old.status = "Superseded";
    old.lastUpdateTime = this.now;
    if (waiting) {
      waiting.status = "Abandoned";
      if (leaveStaleApproval) this.staleShown.add(waiting.actionExecutionId);
    }
    return this.startExecution(old.pipeline, old.stageIndex);
  }

  stageStatus(execution: Execution, stage: string): string {
    // Each action's latest run counts (a retried stage's earlier failure does not).
    const latest = new Map(execution.runs.filter((r) => r.stage === stage).map((r) => [r.action, r]));
    const runs = [...latest.values()];
    if (runs.some((r) => r.status === "Failed")) return "Failed";
    if (execution.status === "Superseded") return "Cancelled";
    if (execution.status === "Stopped" || execution.status === "Stopping") return execution.status;
    if (runs.some((r) => r.status === "InProgress")) return "InProgress";
    return "Succeeded";
  }

  private finishOrdinary(execution: Execution, run: ActionRun): void {
    this.finish(execution, run, !run.spec.fails, run.spec.fails ? (run.spec.failureMessage ?? "the action failed") : undefined);
  }

  /** Records the execution as the stage's latest (callers of stepOne do so even when it waits). */
  enterStage(execution: Execution): void {
    const stage = this.specOf(execution.pipeline).stages[execution.stageIndex];
    if (stage && execution.status === "InProgress" && !execution.waitingAtTransition) this.stageLatest.set(`${execution.pipeline}/${stage.name}`, execution.id);
  }
}

export function typeOf(a: ActionSpec): ActionTypeId {
  return { category: a.category ?? "Build", owner: a.owner ?? "AWS", provider: a.provider ?? "CodeBuild", version: a.version ?? "1" };
}
export const isApproval = (a: ActionSpec) => typeOf(a).category === "Approval";
export const isCustom = (a: ActionSpec) => typeOf(a).owner === "Custom";
