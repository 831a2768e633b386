import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { checkTransition } from "./act.js";
import { withPipelineHints } from "./errors.js";
import { pipelineApi } from "./retrying.js";

/** `pipeline disable|enable`: one DisableStageTransition / EnableStageTransition after GetPipeline checks the stage. */
export interface TransitionResult {
  pipeline: string;
  stage: string;
  transition: "Inbound" | "Outbound";
  enabled: boolean;
  reason?: string;
}

export function direction(options: { inbound?: boolean; outbound?: boolean }): "Inbound" | "Outbound" {
  if (options.inbound && options.outbound) throw new UsageError("--inbound and --outbound cannot be used together", "pick one (default: --inbound)");
  return options.outbound ? "Outbound" : "Inbound";
}

export async function setTransition(ctx: Context, pipeline: string, stage: string, transition: "Inbound" | "Outbound", enabled: boolean, reason?: string) {
  const api = await pipelineApi(ctx);
  checkTransition(await withPipelineHints(pipeline, () => api.getPipeline(pipeline)), stage, transition);
  await withPipelineHints(pipeline, () => api.setStageTransition({ pipeline, stage, direction: transition, enabled, reason }), { stage });
  const data: TransitionResult = { pipeline, stage, transition, enabled, ...(reason ? { reason } : {}) };
  const where = transition === "Inbound" ? `into ${stage}` : `out of ${stage}`;
  return { data, text: enabled ? `enabled the transition ${where} (${pipeline})` : `disabled the transition ${where} (${pipeline}): ${reason ?? ""}` };
}
