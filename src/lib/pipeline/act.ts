import type { CodePipelineApi, ExecutionView, PipelineDefinition, StageStateView } from "../aws/codepipeline.js";
import { FailureError, UsageError } from "../errors.js";
import { clipValue, sanitizeForTerminal } from "../terminal.js";

/**
 * What AWS would refuse, checked before the call that acts on a run: a stage that does not
 * exist, a stage that is not failed (retry), a run that is not running (stop), a V1 pipeline
 * given variables, a source revision for an action that is not a source.
 */
const show = (value: string) => sanitizeForTerminal(value, { max: 100, oneLine: true });

export function stageOf<T extends { name: string }>(stages: T[], stage: string, pipeline: string): { stage: T; index: number } {
  const index = stages.findIndex((s) => s.name === stage);
  if (index < 0) {
    throw new UsageError(`pipeline ${pipeline} has no stage ${show(stage)}`, `its stages: ${stages.map((s) => show(s.name)).join(", ") || "none"}`);
  }
  return { stage: stages[index]!, index };
}

/** The one run to stop: the given one, else the only one in progress. */
export async function runToStop(api: CodePipelineApi, pipeline: string, executionId: string | undefined, abandon: boolean): Promise<ExecutionView> {
  let run: ExecutionView;
  if (executionId) {
    run = await api.getPipelineExecution(pipeline, executionId);
  } else {
    const running = (await api.listPipelineExecutions(pipeline, 100)).filter((e) => e.status === "InProgress" || e.status === "Stopping");
    if (running.length === 0) throw new FailureError(`nothing is running in pipeline ${pipeline}`, `\`awsblog pipeline history ${pipeline}\` shows its recent runs`);
    if (running.length > 1) {
      throw new UsageError(`${running.length} runs of ${pipeline} are in progress: ${running.map((r) => r.executionId).join(", ")}`, "choose one with --execution-id");
    }
    run = running[0]!;
  }
  if (run.status === "Stopping" && !abandon) {
    throw new FailureError(`${run.executionId} of ${pipeline} is already stopping`, "wait for its running actions, or pass --abandon to abandon them");
  }
  if (run.status !== "InProgress" && run.status !== "Stopping") {
    throw new FailureError(`${run.executionId} of ${pipeline} is ${run.status}, not in progress: nothing to stop`, `\`awsblog pipeline history ${pipeline}\` shows its recent runs`);
  }
  return run;
}

/** The failed run of a stage, for RetryStageExecution. */
export function failedRun(state: StageStateView[], stage: string, pipeline: string): string {
  const { stage: found } = stageOf(state, stage, pipeline);
  if (found.status !== "Failed" || !found.executionId) {
    throw new FailureError(`stage ${show(stage)} of ${pipeline} is ${found.status ?? "not run yet"}, not Failed: nothing to retry`, `\`awsblog pipeline status ${pipeline}\` shows each stage`);
  }
  return found.executionId;
}

/** The run to roll a stage back to: the given one, else the latest earlier run the stage succeeded in. */
export async function rollbackTarget(api: CodePipelineApi, state: StageStateView[], stage: string, pipeline: string, wanted: string | undefined): Promise<string> {
  const { stage: found } = stageOf(state, stage, pipeline);
  if (found.status === "InProgress" || found.status === "Stopping") {
    throw new FailureError(`stage ${show(stage)} of ${pipeline} is running`, `wait for it to end (or stop it: \`awsblog pipeline stop ${pipeline}\`), then roll back`);
  }
  const succeeded = await api.listPipelineExecutions(pipeline, 100, stage);
  if (wanted) {
    if (wanted === found.executionId) throw new FailureError(`${wanted} is the run stage ${show(stage)} already has`, "pass an earlier run in which the stage succeeded");
    if (!succeeded.some((e) => e.executionId === wanted)) {
      throw new FailureError(`stage ${show(stage)} did not succeed in ${wanted} (among the last 100 runs that passed it)`, `pick one of: ${succeeded.slice(0, 5).map((e) => e.executionId).join(", ") || "none"}`);
    }
    return wanted;
  }
  const earlier = succeeded.find((e) => e.executionId !== found.executionId);
  if (!earlier) throw new FailureError(`no earlier run of ${pipeline} succeeded in stage ${show(stage)}`, "there is nothing to roll back to");
  return earlier.executionId;
}

/** `--stage` and the direction: the transition must exist (none into the first stage, none out of the last). */
export function checkTransition(definition: PipelineDefinition, stage: string, direction: "Inbound" | "Outbound"): void {
  const { index } = stageOf(definition.stages, stage, definition.name);
  if (direction === "Inbound" && index === 0) throw new UsageError(`stage ${show(stage)} is the first stage of ${definition.name}: nothing transitions into it`, "pass --outbound, or the next stage's name");
  if (direction === "Outbound" && index === definition.stages.length - 1) throw new UsageError(`stage ${show(stage)} is the last stage of ${definition.name}: nothing transitions out of it`, "pass --inbound");
}

/** DisableStageTransition's own rule for the reason: 1–300 of letters, digits, space and !@().*?- */
export function checkReason(value: string, max: number, pattern?: RegExp): string {
  if (value === "" || value.length > max) throw new UsageError(`--reason must be 1–${max} characters (got ${value.length})`, "shorten it");
  if (pattern && !pattern.test(value)) throw new UsageError(`--reason "${clipValue(value, 60)}" has characters CodePipeline refuses`, "use letters, digits, spaces and ! @ ( ) . * ? - only");
  return value;
}

export const TRANSITION_REASON = /^[a-zA-Z0-9!@ ().*?-]+$/;

const REVISION_TYPES = ["COMMIT_ID", "IMAGE_DIGEST", "S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY"];

/** `Source=COMMIT_ID:abc123` → a source revision override. */
export function parseSourceRevision(value: string, previous: { actionName: string; revisionType: string; revisionValue: string }[] = []) {
  const hint = `pass <action>=<type>:<value>, type one of ${REVISION_TYPES.join(", ")}, e.g. Source=COMMIT_ID:3f2a9c1`;
  const m = /^([^=]+)=([A-Z_]+):(.+)$/s.exec(value);
  if (!m) throw new UsageError(`--source-revision "${clipValue(value, 60)}" is not <action>=<type>:<value>`, hint);
  const [, actionName = "", revisionType = "", revisionValue = ""] = m;
  if (!/^[A-Za-z0-9.@\-_]{1,100}$/.test(actionName)) throw new UsageError(`--source-revision action "${clipValue(actionName, 60)}" is not a CodePipeline name`, hint);
  if (!REVISION_TYPES.includes(revisionType)) throw new UsageError(`--source-revision type ${clipValue(revisionType, 30)} is not known`, hint);
  // eslint-disable-next-line no-control-regex -- control characters are what we refuse
  if (revisionValue.length > 1500 || /[\u0000-\u001f\u007f]/.test(revisionValue)) throw new UsageError(`--source-revision value for ${actionName} is too long or has control characters`, hint);
  if (previous.some((p) => p.actionName === actionName)) throw new UsageError(`--source-revision names ${actionName} twice`, "give each source action one revision");
  return [...previous, { actionName, revisionType, revisionValue }];
}

/** `ENV=prod` → a pipeline variable (V2). */
export function parseVariable(value: string, previous: { name: string; value: string }[] = []) {
  const hint = "pass <name>=<value>, e.g. --variable DeployEnv=prod (names: letters, digits, @ - _)";
  const at = value.indexOf("=");
  const name = at < 0 ? "" : value.slice(0, at);
  const content = value.slice(at + 1);
  if (!/^[A-Za-z0-9@\-_]{1,128}$/.test(name)) throw new UsageError(`--variable "${clipValue(value, 60)}" is not <name>=<value>`, hint);
  // eslint-disable-next-line no-control-regex -- control characters are what we refuse
  if (content.length > 1000 || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(content)) throw new UsageError(`--variable ${name}: the value is over 1,000 characters or has control characters`, hint);
  if (previous.some((p) => p.name === name)) throw new UsageError(`--variable ${name} is given twice`, "give each variable once");
  if (previous.length >= 50) throw new UsageError("more than 50 --variable values", "CodePipeline takes at most 50");
  return [...previous, { name, value: content }];
}

/** What StartPipelineExecution would refuse: variables on V1 or undeclared, revisions for non-source actions. */
export function checkStartOverrides(definition: PipelineDefinition, variables: { name: string }[], revisions: { actionName: string }[]): void {
  if (variables.length) {
    if (definition.pipelineType !== "V2") {
      throw new UsageError(`pipeline ${definition.name} is ${definition.pipelineType}: only V2 pipelines take variables`, "drop --variable, or upgrade the pipeline to V2 (console: Edit → pipeline type)");
    }
    const declared = new Set(definition.variables.map((v) => v.name));
    const unknown = variables.filter((v) => !declared.has(v.name)).map((v) => v.name);
    if (unknown.length) {
      throw new UsageError(`pipeline ${definition.name} declares no variable ${unknown.map(show).join(", ")}`, `its variables: ${[...declared].map(show).join(", ") || "none"}`);
    }
  }
  if (revisions.length) {
    const sources = definition.stages.flatMap((s) => s.actions).filter((a) => a.actionType.category === "Source").map((a) => a.name);
    const wrong = revisions.filter((r) => !sources.includes(r.actionName)).map((r) => r.actionName);
    if (wrong.length) throw new UsageError(`pipeline ${definition.name} has no source action ${wrong.map(show).join(", ")}`, `its source actions: ${sources.map(show).join(", ") || "none"}`);
  }
}
