import type { CommandResult, Context } from "../context.js";
import { opt } from "../command.js";
import { UsageError } from "../errors.js";
import { decidePipelineApproval } from "./decide.js";

/** The flags `approve` and `reject` take beside --token for CodePipeline approvals. */
export const PIPELINE_DECISION_FLAGS = {
  pipeline: opt.string("--pipeline <name>", "decide the CodePipeline manual approval waiting in this pipeline (instead of --token)"),
  stage: opt.string("--stage <stage>", "with --pipeline: the stage whose approval to decide (when several wait)"),
  action: opt.string("--action <action>", "with --pipeline: the approval action's name (when several wait)"),
  summary: opt.string("--summary <text>", 'with --pipeline: the reviewer\'s comment (max 512 chars; default "Approved/Rejected via awsblog")'),
  executionId: opt.string("--execution-id <id>", "with --pipeline: the execution whose approval to decide (PARALLEL pipelines)"),
};

interface FormOptions {
  token?: string;
  result?: string;
  error?: string;
  cause?: string;
  pipeline?: string;
  stage?: string;
  action?: string;
  summary?: string;
  executionId?: string;
}

/** Picks the form from the flags; mixing the two is a usage error and sends nothing. */
export async function decideByForm(
  decision: "approve" | "reject",
  options: FormOptions,
  ctx: Context,
  tokenForm: () => Promise<CommandResult>,
): Promise<CommandResult> {
  const taskFlags = (["token", "result", "error", "cause"] as const).filter((k) => options[k] !== undefined).map((k) => `--${k}`);
  const pipelineFlags = (["stage", "action", "summary", "executionId"] as const)
    .filter((k) => options[k] !== undefined)
    .map((k) => (k === "executionId" ? "--execution-id" : `--${k}`));
  if (options.pipeline !== undefined) {
    if (taskFlags.length > 0) {
      throw new UsageError(`--pipeline cannot be combined with ${taskFlags.join(", ")}`, "use --pipeline (CodePipeline) or --token (Step Functions), not both");
    }
    return decidePipelineApproval(decision, options as FormOptions & { pipeline: string }, ctx);
  }
  if (pipelineFlags.length > 0) throw new UsageError(`${pipelineFlags.join(", ")} ${pipelineFlags.length === 1 ? "needs" : "need"} --pipeline`, "pass --pipeline <name>, or drop them for the --token form");
  return tokenForm();
}
