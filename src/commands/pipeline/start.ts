import { randomUUID } from "node:crypto";
import { arg, defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { UsageError } from "../../lib/errors.js";
import { withPipelineHints } from "../../lib/pipeline/errors.js";
import { checkName } from "../../lib/pipeline/names.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";
import { followExecution, INTERVAL_HELP, TIMEOUT_HELP, type ExecutionResult } from "../../lib/pipeline/follow.js";
import { LOG_LINES_HELP } from "../../lib/pipeline/explain.js";
import { checkStartOverrides, parseSourceRevision, parseVariable } from "../../lib/pipeline/act.js";

const flags = {
  wait: opt.flag("--wait", "follow the execution until it ends (exit 0 Succeeded, 1 otherwise)"),
  timeout: opt.int("--timeout <s>", `with --wait: ${TIMEOUT_HELP}`, { min: 1, max: 30 * 86_400 }),
  interval: opt.int("--interval <s>", `with --wait: ${INTERVAL_HELP}`, { min: 1, max: 300, defaultValue: 5 }),
  logLines: opt.int("--log-lines <n>", `with --wait: ${LOG_LINES_HELP}`, { min: 0, max: 10_000, defaultValue: 30 }),
  sourceRevision: opt.custom("--source-revision <rev>", "<action>=<TYPE>:<value>: run this revision for a source action (repeatable); TYPE COMMIT_ID, IMAGE_DIGEST, S3_OBJECT_VERSION_ID or S3_OBJECT_KEY", parseSourceRevision),
  variable: opt.custom("--variable <name=value>", "a pipeline variable for this run (repeatable; V2 pipelines, declared variables only)", parseVariable),
};
const args = { pipeline: arg("<pipeline>", "pipeline name", (value) => checkName(value, "<pipeline>")) };

export default defineCommand({
  options: flags,
  args,
  help: `
StartPipelineExecution (with a client request token, so a retried call starts one run only).
--variable and --source-revision are checked against GetPipeline first: variables need a V2
pipeline that declares them, revisions a source action (exit 2 otherwise).
JSON: {"pipeline","executionId","status"}. Without --wait: status InProgress, exit 0.
With --wait: one call per --interval (status and stage progress alternate) until the run ends;
exit 0 Succeeded, 1 Failed/Stopped/Superseded/Cancelled or --timeout; says once when the run waits
for a manual approval. JSON adds "consoleUrl", and when the run did not succeed "failedActions":
[{"stage","action","summary","url","build"?,"logTail"?}] (the CodeBuild phase that failed and the
last --log-lines of its log; a log that cannot be read is a warning). With GITHUB_ACTIONS=true:
progress in a ::group::, one ::error per failed action, a job summary appended to
$GITHUB_STEP_SUMMARY. Ctrl-C stops watching (exit 130), not the run.`,
  examples: [
    "awsblog pipeline start my-pipe --wait --timeout 3600 -o json",
    "awsblog pipeline start my-pipe --source-revision Source=COMMIT_ID:3f2a9c1 --variable DeployEnv=staging --wait",
  ],
  run: start,
});

async function start(options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<ExecutionResult>> {
  if (options.timeout !== undefined && !options.wait) throw new UsageError("--timeout needs --wait", "add --wait to follow the run, or drop --timeout");
  const api = await pipelineApi(ctx);
  const variables = options.variable ?? [];
  const sourceRevisions = options.sourceRevision ?? [];
  if (variables.length || sourceRevisions.length) {
    checkStartOverrides(await withPipelineHints(pipeline, () => api.getPipeline(pipeline)), variables, sourceRevisions);
  }
  const token = randomUUID();
  const executionId = await withPipelineHints(pipeline, () => api.startPipelineExecution(pipeline, token, { variables, sourceRevisions }));
  if (!options.wait) {
    return { data: { pipeline, executionId, status: "InProgress" }, text: executionId };
  }
  ctx.out.info(`started ${pipeline} ${executionId}`);
  return followExecution(ctx, pipeline, executionId, { timeoutS: options.timeout, intervalS: options.interval, logLines: options.logLines, waitFirst: true });
}
