import { defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { withPipelineHints } from "../../lib/pipeline/errors.js";
import { historyText, recentRuns, type HistoryEntry } from "../../lib/pipeline/history.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";
import { pipelineArg } from "./_shared.js";

const flags = {
  max: opt.int("--max <n>", "how many recent runs (newest first)", { min: 1, max: 1000, defaultValue: 10 }),
};
const args = pipelineArg;

export default defineCommand({
  options: flags,
  args,
  help: `
ListPipelineExecutions (pages followed up to --max), plus one ListActionExecutions per failed
run for the stage it failed in. JSON {"pipeline","executions":[{"executionId","status","trigger",
"sourceRevisions":[{"action","revisionId","summary"?}],"startTime","durationSeconds",
"failedStage"?,"statusSummary"?}]}; a running run's duration counts to now.`,
  examples: ["awsblog pipeline history my-pipe", "awsblog pipeline history my-pipe --max 50 -o json | jq -r '.executions[] | select(.status==\"Failed\") | .executionId'"],
  run: history,
});

async function history(options: OptionsOf<typeof flags>, ctx: Context, { pipeline }: ArgsOf<typeof args>): Promise<CommandResult<{ pipeline: string; executions: HistoryEntry[] }>> {
  const api = await pipelineApi(ctx);
  const now = ctx.now();
  const executions = await withPipelineHints(pipeline, () => recentRuns(api, pipeline, options.max, now));
  return { data: { pipeline, executions }, text: executions.length ? historyText(executions, now) : `pipeline ${pipeline} has not run yet` };
}
