import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { AwsError, formatError } from "../../lib/errors.js";
import { findWaitingApprovals, type WaitingApproval } from "../../lib/pipeline/approvals.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";
import { age, table } from "../../lib/pipeline/text.js";
import { sanitizeForTerminal } from "../../lib/terminal.js";

const flags = {
  concurrency: opt.int("--concurrency <n>", "pipelines read at the same time", { min: 1, max: 16, defaultValue: 4 }),
};

interface ApprovalsResult {
  approvals: {
    pipeline: string;
    stage: string;
    action: string;
    executionId: string;
    since: string | null;
    customData?: string;
    externalEntityLink?: string;
  }[];
  errors: { pipeline: string; error: string }[];
}

export default defineCommand({
  options: flags,
  help: `
Reads every pipeline in the region (ListPipelines, then GetPipeline/GetPipelineState and
ListActionExecutions per pipeline) and lists the manual approvals waiting now, oldest first, with
the action's CustomData and ExternalEntityLink. JSON: {"approvals":[{"pipeline","stage","action",
"executionId","since","customData"?,"externalEntityLink"?}],"errors":[{"pipeline","error"}]}.
Exit 0 (also when none wait); 4 when some pipelines could not be read (listed in errors).`,
  examples: ["awsblog pipeline approvals", "awsblog pipeline approvals --region eu-west-1 -o json"],
  run: approvals,
});

async function approvals(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<ApprovalsResult>> {
  const api = await pipelineApi(ctx);
  const names = await api.listPipelines();
  const waiting: WaitingApproval[] = [];
  const errors: ApprovalsResult["errors"] = [];
  let next = 0;
  const worker = async () => {
    while (next < names.length && !ctx.signal.aborted) {
      const pipeline = names[next++]!;
      try {
        waiting.push(...(await findWaitingApprovals(api, pipeline)).waiting);
      } catch (error) {
        // Deleted between ListPipelines and now: not an error worth reporting.
        if (error instanceof AwsError && error.code === "PipelineNotFoundException") continue;
        errors.push({ pipeline, error: formatError(error).replace(/^awsblog: /, "") });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, names.length)) }, worker));

  waiting.sort((a, b) => (a.since?.getTime() ?? 0) - (b.since?.getTime() ?? 0));
  const data: ApprovalsResult = {
    approvals: waiting.map((w) => ({
      pipeline: w.pipeline,
      stage: w.stage,
      action: w.action,
      executionId: w.executionId,
      since: w.since?.toISOString() ?? null,
      ...(w.customData ? { customData: w.customData } : {}),
      ...(w.externalEntityLink ? { externalEntityLink: w.externalEntityLink } : {}),
    })),
    errors,
  };
  for (const e of errors) ctx.out.warn(`${e.pipeline}: ${sanitizeForTerminal(e.error, { max: 300, oneLine: true })}`);
  const now = ctx.now();
  const text =
    waiting.length === 0
      ? `no approvals waiting in ${names.length} pipeline(s)`
      : table(
          ["PIPELINE", "STAGE", "ACTION", "AGE", "MESSAGE", "LINK"],
          waiting.map((w) => [w.pipeline, w.stage, w.action, age(w.since, now), sanitizeForTerminal(w.customData, { max: 60, oneLine: true }), sanitizeForTerminal(w.externalEntityLink, { max: 80, oneLine: true })]),
        );
  return { data, text, exitCode: errors.length > 0 ? 4 : 0 };
}
