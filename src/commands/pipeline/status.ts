import { arg, defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { findWaitingApprovals } from "../../lib/pipeline/approvals.js";
import { withPipelineHints } from "../../lib/pipeline/errors.js";
import { explainFailures, failedFromState, failureText, LOG_LINES_HELP } from "../../lib/pipeline/explain.js";
import { checkName } from "../../lib/pipeline/names.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";
import { statusText, statusView, type PipelineStatus } from "../../lib/pipeline/status.js";

const flags = {
  logLines: opt.int("--log-lines <n>", LOG_LINES_HELP, { min: 0, max: 10_000, defaultValue: 30 }),
};
const args = { pipeline: arg("<pipeline>", "pipeline name", (value) => checkName(value, "<pipeline>")) };

export default defineCommand({
  options: flags,
  args,
  help: `
JSON: {"pipeline","stages":[{"name","status","executionId"?,"actions":[{"name","status","summary"?,
"lastStatusChange"?}],"inboundDisabled"?:{"reason"}}],"pendingApprovals":[{"stage","action","since",
"executionId"}],"failedActions":[{"stage","action","summary","url","build"?,"logTail"?}]}.
status is null for a stage or action that has not run. Pending approvals are those of the stage's
current execution only (a superseded execution's leftover approval is not listed). A failed
CodeBuild action shows its build's failed phase and the last --log-lines of its log (a log that
cannot be read is a warning).`,
  examples: ["awsblog pipeline status my-pipe", "awsblog pipeline status my-pipe -o json | jq '.pendingApprovals'"],
  run: status,
});

async function status(options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<PipelineStatus>> {
  const api = await pipelineApi(ctx);
  const [stages, definition, scan] = await withPipelineHints(pipeline, async () => {
    const state = await api.getPipelineState(pipeline);
    const definition = await api.getPipeline(pipeline);
    return [state, definition, await findWaitingApprovals(api, pipeline, { state, definition })] as const;
  });
  const failedActions = await explainFailures(ctx, failedFromState(stages, definition), options.logLines);
  const view = statusView(pipeline, stages, scan.waiting, failedActions);
  const explained = failedActions.length ? `\n${failureText(failedActions)}` : "";
  return { data: view, text: statusText(view, ctx.now()) + explained };
}
