import type { StageStateView } from "../aws/codepipeline.js";
import type { WaitingApproval } from "./approvals.js";
import type { FailedAction } from "./explain.js";
import { age, table } from "./text.js";
import { ONE_LINE, sanitizeForTerminal } from "../terminal.js";

/** `pipeline status` JSON (contract §8); `status` is null for what has not run yet. */
export interface PipelineStatus {
  pipeline: string;
  stages: {
    name: string;
    status: string | null;
    executionId?: string;
    actions: { name: string; status: string | null; summary?: string; lastStatusChange?: string }[];
    /** The inbound transition, when disabled (`pipeline disable`). */
    inboundDisabled?: { reason: string | null };
  }[];
  pendingApprovals: { stage: string; action: string; since: string | null; executionId: string }[];
  failedActions: FailedAction[];
}

export function statusView(pipeline: string, stages: StageStateView[], waiting: WaitingApproval[], failedActions: FailedAction[] = []): PipelineStatus {
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
      ...(s.inboundDisabled ? { inboundDisabled: { reason: s.inboundDisabled.reason ?? null } } : {}),
    })),
    pendingApprovals: waiting.map((w) => ({ stage: w.stage, action: w.action, since: w.since?.toISOString() ?? null, executionId: w.executionId })),
    failedActions,
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
        sanitizeForTerminal(action.summary, { max: 60, oneLine: true }),
      ]);
    });
  }
  const lines = [table(["STAGE", "ACTION", "STATUS", "AGE", "SUMMARY"], rows)];
  for (const s of view.stages) {
    if (s.inboundDisabled) lines.push(`transition into ${sanitizeForTerminal(s.name, ONE_LINE)} is disabled: ${sanitizeForTerminal(s.inboundDisabled.reason ?? "no reason given", ONE_LINE)} — awsblog pipeline enable ${view.pipeline} --stage ${sanitizeForTerminal(s.name, ONE_LINE)}`);
  }
  for (const p of view.pendingApprovals) {
    lines.push(
      `waiting for approval: ${sanitizeForTerminal(p.stage, ONE_LINE)}/${sanitizeForTerminal(p.action, ONE_LINE)} for ${age(p.since ? new Date(p.since) : undefined, now)} — ` +
        `awsblog approve --pipeline ${view.pipeline} --stage ${sanitizeForTerminal(p.stage, ONE_LINE)} --action ${sanitizeForTerminal(p.action, ONE_LINE)}`,
    );
  }
  return lines.join("\n");
}
