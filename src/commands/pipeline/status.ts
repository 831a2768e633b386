import { arg, defineCommand, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { findWaitingApprovals } from "../../lib/pipeline/approvals.js";
import { withPipelineHints } from "../../lib/pipeline/errors.js";
import { checkName } from "../../lib/pipeline/names.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";
import { statusText, statusView, type PipelineStatus } from "../../lib/pipeline/status.js";

const flags = {};
const args = { pipeline: arg("<pipeline>", "pipeline name", (value) => checkName(value, "<pipeline>")) };

export default defineCommand({
  options: flags,
  args,
  help: `
JSON: {"pipeline","stages":[{"name","status","executionId"?,"actions":[{"name","status","summary"?,
"lastStatusChange"?}]}],"pendingApprovals":[{"stage","action","since","executionId"}]}.
status is null for a stage or action that has not run. Pending approvals are those of the stage's
current execution only (a superseded execution's leftover approval is not listed).`,
  examples: ["awsblog pipeline status my-pipe", "awsblog pipeline status my-pipe -o json | jq '.pendingApprovals'"],
  run: status,
});

async function status(_options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<PipelineStatus>> {
  const api = await pipelineApi(ctx);
  const [stages, scan] = await withPipelineHints(pipeline, async () => {
    const state = await api.getPipelineState(pipeline);
    return [state, await findWaitingApprovals(api, pipeline, { state })] as const;
  });
  const view = statusView(pipeline, stages, scan.waiting);
  return { data: view, text: statusText(view, ctx.now()) };
}
