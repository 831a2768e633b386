import { defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { rollbackTarget } from "../../lib/pipeline/act.js";
import { withPipelineHints } from "../../lib/pipeline/errors.js";
import { checkExecutionId } from "../../lib/pipeline/names.js";
import { pipelineArg, stageFlag } from "./_shared.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";

const flags = {
  stage: stageFlag("the stage to roll back"),
  toExecution: opt.custom("--to-execution <id>", "the run whose artifacts the stage goes back to (default: the latest earlier run the stage succeeded in)", checkExecutionId),
};
const args = pipelineArg;

export default defineCommand({
  options: flags,
  args,
  help: `
RollbackStage: a new ROLLBACK run of that one stage with an earlier run's artifacts. Checked
first: the stage exists (exit 2) and is not running, and the target is a run the stage succeeded
in (ListPipelineExecutions filtered by succeededInStage) other than the stage's current one
(exit 1). JSON {"pipeline","stage","targetExecutionId","executionId"}.`,
  examples: ["awsblog pipeline rollback my-pipe --stage Prod", "awsblog pipeline rollback my-pipe --stage Prod --to-execution 3137f7cb-7cf7-4b5d-8f2e-1a2b3c4d5e6f"],
  run: rollback,
});

interface RollbackResult {
  pipeline: string;
  stage: string;
  targetExecutionId: string;
  executionId: string;
}

async function rollback(options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<RollbackResult>> {
  const api = await pipelineApi(ctx);
  const { stage } = options;
  const target = await withPipelineHints(pipeline, async () => rollbackTarget(api, await api.getPipelineState(pipeline), stage, pipeline, options.toExecution), { stage });
  const executionId = await withPipelineHints(pipeline, () => api.rollbackStage({ pipeline, stage, targetExecutionId: target }), { stage, executionId: target });
  return {
    data: { pipeline, stage, targetExecutionId: target, executionId },
    text: `rolling ${stage} of ${pipeline} back to ${target}: run ${executionId} — follow it with \`awsblog pipeline watch ${pipeline} --execution-id ${executionId}\``,
  };
}
