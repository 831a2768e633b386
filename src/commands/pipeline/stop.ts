import { defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { checkReason, runToStop } from "../../lib/pipeline/act.js";
import { withPipelineHints } from "../../lib/pipeline/errors.js";
import { checkExecutionId } from "../../lib/pipeline/names.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";
import { pipelineArg } from "./_shared.js";

const flags = {
  executionId: opt.custom("--execution-id <id>", "the run to stop (default: the one in progress)", checkExecutionId),
  abandon: opt.flag("--abandon", "abandon the running actions instead of letting them finish"),
  reason: opt.custom("--reason <text>", "why (≤ 200 characters; shown in the console and `pipeline history`)", (value: string) => checkReason(value, 200)),
};
const args = pipelineArg;

export default defineCommand({
  options: flags,
  args,
  help: `
StopPipelineExecution. By default the running actions finish and the run ends Stopped (it is
Stopping until then); --abandon abandons them at once. Checked first: the run must be in
progress (or Stopping, with --abandon). Without --execution-id the one run in progress is
stopped; several → exit 2 listing them. JSON {"pipeline","executionId","mode":"wait"|"abandon","reason"?}.`,
  examples: [
    "awsblog pipeline stop my-pipe --reason \"bad config in Beta\"",
    "awsblog pipeline stop my-pipe --execution-id 3137f7cb-7cf7-4b5d-8f2e-1a2b3c4d5e6f --abandon",
  ],
  run: stop,
});

interface StopResult {
  pipeline: string;
  executionId: string;
  mode: "wait" | "abandon";
  reason?: string;
}

async function stop(options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<StopResult>> {
  const api = await pipelineApi(ctx);
  const abandon = options.abandon ?? false;
  const run = await withPipelineHints(pipeline, () => runToStop(api, pipeline, options.executionId, abandon), { executionId: options.executionId });
  await withPipelineHints(pipeline, () => api.stopPipelineExecution({ pipeline, executionId: run.executionId, abandon, reason: options.reason }), { executionId: run.executionId });
  const data: StopResult = { pipeline, executionId: run.executionId, mode: abandon ? "abandon" : "wait", ...(options.reason ? { reason: options.reason } : {}) };
  const text = abandon
    ? `stopped ${pipeline} ${run.executionId}: running actions abandoned`
    : `stopping ${pipeline} ${run.executionId}: running actions finish first (\`awsblog pipeline watch ${pipeline} --execution-id ${run.executionId}\` follows it)`;
  return { data, text };
}
