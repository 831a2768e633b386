import { defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { failedRun } from "../../lib/pipeline/act.js";
import { withPipelineHints } from "../../lib/pipeline/errors.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";
import { pipelineArg, stageFlag } from "./_shared.js";

const flags = {
  stage: stageFlag("the failed stage to retry"),
  allActions: opt.flag("--all-actions", "run every action of the stage again (default: only the failed ones)"),
};
const args = pipelineArg;

export default defineCommand({
  options: flags,
  args,
  help: `
RetryStageExecution (FAILED_ACTIONS, or ALL_ACTIONS with --all-actions) for the stage's latest
run. Checked first (GetPipelineState): the stage exists (exit 2 listing the stages) and is Failed
(exit 1 otherwise). JSON {"pipeline","stage","executionId","retryMode"}.`,
  examples: ["awsblog pipeline retry my-pipe --stage Beta", "awsblog pipeline retry my-pipe --stage Build --all-actions && awsblog pipeline watch my-pipe"],
  run: retry,
});

interface RetryResult {
  pipeline: string;
  stage: string;
  executionId: string;
  retryMode: "FAILED_ACTIONS" | "ALL_ACTIONS";
}

async function retry(options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<RetryResult>> {
  const api = await pipelineApi(ctx);
  const { stage } = options;
  const executionId = failedRun(await withPipelineHints(pipeline, () => api.getPipelineState(pipeline)), stage, pipeline);
  const retryMode = options.allActions ? "ALL_ACTIONS" : "FAILED_ACTIONS";
  await withPipelineHints(pipeline, () => api.retryStageExecution({ pipeline, stage, executionId, mode: retryMode }), { stage, executionId });
  return {
    data: { pipeline, stage, executionId, retryMode },
    text: `retrying ${stage} of ${pipeline} ${executionId} (${retryMode === "ALL_ACTIONS" ? "all actions" : "failed actions"}) — follow it with \`awsblog pipeline watch ${pipeline} --execution-id ${executionId}\``,
  };
}
