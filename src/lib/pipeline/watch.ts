import type { ActionExecutionView, CodePipelineApi } from "../aws/codepipeline.js";
import { isThrottling, isTransient } from "../retry.js";
import { isApprovalExecution } from "./approvals.js";

/**
 * Following one pipeline execution to its end: GetPipelineExecution for the outcome and
 * ListActionExecutions for the stages and approvals of this very execution (GetPipelineState
 * would show whichever execution last touched each stage). One call per interval, the two
 * alternating, so the default 5 s makes at most 12 calls a minute and the outcome is seen within
 * two intervals. Waits are the interval plus 0–20 % jitter; a throttled call doubles the pace up
 * to a minute, a quiet one brings it back.
 */
export const TERMINAL = new Set(["Succeeded", "Failed", "Stopped", "Superseded", "Cancelled"]);

export interface WatchSettings {
  pipeline: string;
  executionId: string;
  /** Give up after this long (ms); undefined waits until the end or Ctrl-C. */
  timeoutMs?: number;
  intervalMs?: number;
  /** Wait one interval before the first call (a call was just made: start, or the latest run's lookup). */
  waitFirst?: boolean;
}

export interface StageProgress {
  stage: string;
  status: string;
  /** The actions running now in this stage. */
  running: string[];
  /** When the stage's first action started and its last one ended (for durations). */
  startTime?: Date;
  endTime?: Date;
}

export interface WatchHooks {
  api: CodePipelineApi;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  now(): Date;
  signal: AbortSignal;
  onProgress?(status: string, stages: StageProgress[]): void;
  /** Once per approval action execution the run waits on. */
  onApproval?(approval: { stage: string; action: string }): void;
}

export interface WatchOutcome {
  status: string;
  statusSummary?: string;
  timedOut: boolean;
  interrupted: boolean;
  polls: number;
}

const MAX_INTERVAL_MS = 60_000;

export async function watchExecution(settings: WatchSettings, hooks: WatchHooks): Promise<WatchOutcome> {
  const base = settings.intervalMs ?? 5_000;
  const started = hooks.now().getTime();
  const announced = new Set<string>();
  let interval = base;
  let status = "InProgress";
  let statusSummary: string | undefined;
  let polls = 0;
  let askStatus = true;
  const end = (extra: Partial<WatchOutcome> = {}): WatchOutcome => ({ status, statusSummary, timedOut: false, interrupted: false, polls, ...extra });
  const pause = async (): Promise<WatchOutcome | undefined> => {
    // The interval is the least gap between calls (jitter only adds, up to 20 %): at most 60/interval calls a minute.
    let wait = Math.round(interval * (1 + 0.2 * hooks.random()));
    if (settings.timeoutMs !== undefined) {
      const left = started + settings.timeoutMs - hooks.now().getTime();
      if (left <= 0) return end({ timedOut: true });
      wait = Math.min(wait, left);
    }
    await hooks.sleep(wait, hooks.signal);
    return undefined;
  };

  if (settings.waitFirst) {
    const over = await pause();
    if (over) return over;
  }
  for (;;) {
    if (hooks.signal.aborted) return end({ interrupted: true });
    let throttled = false;
    try {
      polls++;
      if (askStatus) {
        const execution = await hooks.api.getPipelineExecution(settings.pipeline, settings.executionId);
        status = execution.status;
        statusSummary = execution.statusSummary;
        if (TERMINAL.has(status)) return end();
      } else {
        const actions = await hooks.api.listActionExecutions(settings.pipeline, settings.executionId);
        hooks.onProgress?.(status, stageProgress(actions));
        for (const a of actions) {
          if (isApprovalExecution(a) && a.status === "InProgress" && !announced.has(a.actionExecutionId)) {
            announced.add(a.actionExecutionId);
            hooks.onApproval?.({ stage: a.stage, action: a.action });
          }
        }
      }
      askStatus = !askStatus;
    } catch (error) {
      if (hooks.signal.aborted) return end({ interrupted: true });
      // Throttling or a blip that outlived the call's own retries: slow down and ask again.
      if (!isTransient(error) && !isThrottling(error)) throw error;
      throttled = true;
    }
    interval = throttled ? Math.min(Math.max(MAX_INTERVAL_MS, base), interval * 2) : Math.max(base, Math.round(interval / 2));
    const over = await pause();
    if (over) return over;
  }
}

/** Stages in the order this execution reached them, with the status of their actions. */
export function stageProgress(actions: ActionExecutionView[]): StageProgress[] {
  const ordered = [...actions].sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0));
  const stages = new Map<string, StageProgress>();
  for (const a of ordered) {
    const stage: StageProgress = stages.get(a.stage) ?? { stage: a.stage, status: "Succeeded", running: [], startTime: a.startTime };
    if (a.status !== "InProgress" && a.lastUpdateTime && (!stage.endTime || a.lastUpdateTime > stage.endTime)) stage.endTime = a.lastUpdateTime;
    if (a.status === "InProgress") {
      stage.running.push(a.action);
      stage.status = "InProgress";
    } else if (a.status === "Failed" && stage.status !== "InProgress") stage.status = "Failed";
    stages.set(a.stage, stage);
  }
  return [...stages.values()];
}

/** `Source ✓  Build ✓  Beta ⟳ IntegrationTest` — the live line under the spinner. */
export function progressLine(status: string, stages: StageProgress[]): string {
  const marks: Record<string, string> = { Succeeded: "✓", Failed: "✗", InProgress: "⟳" };
  const parts = stages.map((s) => `${s.stage} ${marks[s.status] ?? s.status}${s.running.length ? ` ${s.running.join(",")}` : ""}`);
  return `${status}: ${parts.join("  ") || "starting"}`;
}
