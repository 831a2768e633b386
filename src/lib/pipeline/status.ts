import type { StageStateView } from "../aws/codepipeline.js";
import type { WaitingApproval } from "./approvals.js";
import { age, clean, table } from "./text.js";

/** `pipeline status` JSON (contract §8); `status` is null for what has not run yet. */
export interface PipelineStatus {
  pipeline: string;
  stages: {
    name: string;
    status: string | null;
    executionId?: string;
    actions: { name: string; status: string | null; summary?: string; lastStatusChange?: string }[];
  }[];
  pendingApprovals: { stage: string; action: string; since: string | null; executionId: string }[];
}

export function statusView(pipeline: string, stages: StageStateView[], waiting: WaitingApproval[]): PipelineStatus {
  return {
    pipeline,
    stages: stages.map((s) => ({
      name: s.name,
      status: s.status ?? null,
      ...(s.executionId ? { executionId: s.executionId } : {}),
      actions: s.actions.map((a) => ({
        name: a.name,
        status: a.status ?? null,
        ...(a.summary ? { summary: a.summary } : {}),
        ...(a.lastStatusChange ? { lastStatusChange: a.lastStatusChange.toISOString() } : {}),
      })),
    })),
    pendingApprovals: waiting.map((w) => ({ stage: w.stage, action: w.action, since: w.since?.toISOString() ?? null, executionId: w.executionId })),
  };
}

export function statusText(view: PipelineStatus, now: Date): string {
  const rows: string[][] = [];
  for (const stage of view.stages) {
    stage.actions.forEach((action, i) => {
      rows.push([
        i === 0 ? stage.name : "",
        action.name,
        action.status ?? "-",
        age(action.lastStatusChange ? new Date(action.lastStatusChange) : undefined, now),
        clean(action.summary, 60),
      ]);
    });
  }
  const lines = [table(["STAGE", "ACTION", "STATUS", "AGE", "SUMMARY"], rows)];
  for (const p of view.pendingApprovals) {
    lines.push(
      `waiting for approval: ${clean(p.stage)}/${clean(p.action)} for ${age(p.since ? new Date(p.since) : undefined, now)} — ` +
        `awsblog approve --pipeline ${view.pipeline} --stage ${clean(p.stage)} --action ${clean(p.action)}`,
    );
  }
  return lines.join("\n");
}
