import { defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { checkReason, TRANSITION_REASON } from "../../lib/pipeline/act.js";
import { direction, setTransition, type TransitionResult } from "../../lib/pipeline/transition.js";
import { pipelineArg, stageFlag } from "./_shared.js";

const DEFAULT_REASON = "Disabled with awsblog";

const flags = {
  stage: stageFlag("the stage whose transition to disable"),
  inbound: opt.flag("--inbound", "the transition into the stage (default)"),
  outbound: opt.flag("--outbound", "the transition out of the stage"),
  reason: opt.custom("--reason <text>", `why, shown in the console (1–300 of letters, digits, space and !@().*?-; default "${DEFAULT_REASON}")`, (value: string) =>
    checkReason(value, 300, TRANSITION_REASON),
  ),
};
const args = pipelineArg;

export default defineCommand({
  options: flags,
  args,
  help: `
DisableStageTransition: runs stop before the stage (inbound) or after it (outbound) until
\`awsblog pipeline enable\`. Checked first (GetPipeline): the stage exists (exit 2 listing the
stages), and the transition does too (none into the first stage, none out of the last).
JSON {"pipeline","stage","transition","enabled":false,"reason"}.`,
  examples: ['awsblog pipeline disable my-pipe --stage Prod --reason "Freeze until Monday"', "awsblog pipeline disable my-pipe --stage Beta --outbound"],
  run: disable,
});

async function disable(options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<TransitionResult>> {
  return setTransition(ctx, pipeline, options.stage, direction(options), false, options.reason ?? DEFAULT_REASON);
}
