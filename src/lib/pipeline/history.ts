import type { CodePipelineApi, ExecutionView } from "../aws/codepipeline.js";
import { age, table } from "./text.js";

/** `pipeline history`: recent runs, newest first, with the stage a failed one stopped at. */
export interface HistoryEntry {
  executionId: string;
  status: string;
  trigger: string | null;
  sourceRevisions: { action: string; revisionId: string | null; summary?: string }[];
  startTime: string | null;
  durationSeconds: number | null;
  failedStage?: string;
  statusSummary?: string;
}

export async function recentRuns(api: CodePipelineApi, pipeline: string, max: number, now: Date): Promise<HistoryEntry[]> {
  const runs = await api.listPipelineExecutions(pipeline, max);
  const entries: HistoryEntry[] = [];
  for (const run of runs) entries.push({ ...entryOf(run, now), ...(run.status === "Failed" ? await failedStage(api, pipeline, run.executionId) : {}) });
  return entries;
}

function entryOf(run: ExecutionView, now: Date): HistoryEntry {
  const running = run.status === "InProgress" || run.status === "Stopping";
  const end = running ? now : run.lastUpdateTime;
  return {
    executionId: run.executionId,
    status: run.status,
    trigger: run.trigger ?? null,
    sourceRevisions: (run.sourceRevisions ?? []).map((r) => ({ action: r.action, revisionId: r.revisionId ?? null, ...(r.summary ? { summary: r.summary } : {}) })),
    startTime: run.startTime?.toISOString() ?? null,
    durationSeconds: run.startTime && end ? Math.max(0, Math.round((end.getTime() - run.startTime.getTime()) / 1000)) : null,
    ...(run.statusSummary ? { statusSummary: run.statusSummary } : {}),
  };
}

/** The stage of the run's first failed action (one ListActionExecutions per failed run). */
async function failedStage(api: CodePipelineApi, pipeline: string, executionId: string): Promise<{ failedStage?: string }> {
  const failed = (await api.listActionExecutions(pipeline, executionId))
    .filter((a) => a.status === "Failed")
    .sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0))[0];
  return failed ? { failedStage: failed.stage } : {};
}

const duration = (seconds: number | null) => {
  if (seconds === null) return "-";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
};

export function historyText(entries: HistoryEntry[], now: Date): string {
  const rows = entries.map((e) => [
    e.executionId,
    e.status,
    e.trigger ?? "-",
    e.sourceRevisions.map((r) => `${r.action}=${(r.revisionId ?? "?").slice(0, 12)}`).join(" ") || "-",
    e.startTime ? `${age(new Date(e.startTime), now)} ago` : "-",
    duration(e.durationSeconds),
    e.failedStage ?? "",
  ]);
  return table(["EXECUTION", "STATUS", "TRIGGER", "SOURCE", "STARTED", "DURATION", "FAILED STAGE"], rows);
}
