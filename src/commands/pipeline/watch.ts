import { arg, defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError } from "../../lib/errors.js";
import { withPipelineHints } from "../../lib/pipeline/errors.js";
import { checkExecutionId, checkName } from "../../lib/pipeline/names.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";
import { followExecution, INTERVAL_HELP, TIMEOUT_HELP, type ExecutionResult } from "../../lib/pipeline/follow.js";
import { LOG_LINES_HELP } from "../../lib/pipeline/explain.js";

const flags = {
  executionId: opt.string("--execution-id <id>", "the execution to follow (default: the latest)"),
  timeout: opt.int("--timeout <s>", TIMEOUT_HELP, { min: 1, max: 30 * 86_400 }),
  interval: opt.int("--interval <s>", INTERVAL_HELP, { min: 1, max: 300, defaultValue: 5 }),
  logLines: opt.int("--log-lines <n>", LOG_LINES_HELP, { min: 0, max: 10_000, defaultValue: 30 }),
};
const args = { pipeline: arg("<pipeline>", "pipeline name", (value) => checkName(value, "<pipeline>")) };

export default defineCommand({
  options: flags,
  args,
  help: `
Polls GetPipelineExecution (and ListActionExecutions for stage progress) with jitter, backing off
when throttled. JSON at the end: {"pipeline","executionId","status"}. Exit 0 Succeeded; 1
Failed/Stopped/Superseded/Cancelled or --timeout; 130 on Ctrl-C (the execution goes on).`,
  examples: ["awsblog pipeline watch my-pipe", "awsblog pipeline watch my-pipe --execution-id 3137f7cb-7cf7-4b5d-8f2e-1a2b3c4d5e6f --timeout 1800"],
  run: watch,
});

async function watch(options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<ExecutionResult>> {
  let executionId = options.executionId === undefined ? undefined : checkExecutionId(options.executionId);
  const lookedUp = !executionId;
  if (!executionId) {
    const api = await pipelineApi(ctx);
    const [latest] = await withPipelineHints(pipeline, () => api.listPipelineExecutions(pipeline, 1));
    if (!latest) throw new FailureError(`pipeline ${pipeline} has never run`, `start it with \`awsblog pipeline start ${pipeline} --wait\``);
    executionId = latest.executionId;
  }
  return followExecution(ctx, pipeline, executionId, { timeoutS: options.timeout, intervalS: options.interval, logLines: options.logLines, waitFirst: lookedUp });
}
