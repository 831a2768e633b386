import { defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { direction, setTransition, type TransitionResult } from "../../lib/pipeline/transition.js";
import { pipelineArg, stageFlag } from "./_shared.js";

const flags = {
  stage: stageFlag("the stage whose transition to enable"),
  inbound: opt.flag("--inbound", "the transition into the stage (default)"),
  outbound: opt.flag("--outbound", "the transition out of the stage"),
};
const args = pipelineArg;

export default defineCommand({
  options: flags,
  args,
  help: `
EnableStageTransition: runs waiting at the transition go on. (CodePipeline records no reason
for enabling.) Checked first (GetPipeline) as for \`pipeline disable\`.
JSON {"pipeline","stage","transition","enabled":true}.`,
  examples: ["awsblog pipeline enable my-pipe --stage Prod"],
  run: enable,
});

async function enable(options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<TransitionResult>> {
  return setTransition(ctx, pipeline, options.stage, direction(options), true);
}
