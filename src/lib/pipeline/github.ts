import { appendFile } from "node:fs/promises";
import type { Context } from "../context.js";
import { refuseSpecialFile } from "../output-file.js";
import { sanitizeForTerminal } from "../terminal.js";
import type { FailedAction } from "./explain.js";
import type { StageProgress } from "./watch.js";

/**
 * GitHub Actions (`GITHUB_ACTIONS=true` in the run's env): progress folded in a `::group::`,
 * one `::error title=…::` annotation per failed action, and a markdown job summary appended to
 * `$GITHUB_STEP_SUMMARY`. Elsewhere the same lines are printed without the markers.
 */
export const inGithubActions = (env: NodeJS.ProcessEnv) => env.GITHUB_ACTIONS === "true";

/** A workflow command's message: %, CR and LF escaped (the runner's own rules). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A workflow command's property value: as data, plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function errorAnnotation(failed: FailedAction): string {
  const title = `${failed.stage}/${failed.action} failed`;
  const parts = [failed.summary ?? "the action failed"];
  if (failed.build?.phase) parts.push(`build ${failed.build.id} failed in phase ${failed.build.phase}${failed.build.phaseMessage ? `: ${failed.build.phaseMessage}` : ""}`);
  if (failed.url) parts.push(failed.url);
  if (failed.logTail?.length) parts.push(`last log lines:\n${failed.logTail.join("\n")}`);
  return `::error title=${escapeProperty(title)}::${escapeData(parts.join("\n"))}`;
}

export interface RunSummary {
  pipeline: string;
  executionId: string;
  status: string;
  consoleUrl?: string;
  stages: StageProgress[];
  failedActions: FailedAction[];
}

const cell = (text: string | undefined) => sanitizeForTerminal(text, { max: 300, oneLine: true }).replace(/\|/g, "\\|");
const duration = (s: StageProgress) => {
  if (!s.startTime || !s.endTime) return "-";
  const seconds = Math.max(0, Math.round((s.endTime.getTime() - s.startTime.getTime()) / 1000));
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
};

/** The job summary: the run, its stages with durations, the failed actions with links and log tails. */
export function summaryMarkdown(run: RunSummary): string {
  const id = run.consoleUrl ? `[${run.executionId}](${run.consoleUrl})` : `\`${run.executionId}\``;
  const lines = [`### Pipeline ${cell(run.pipeline)}: ${cell(run.status)}`, "", `Execution ${id}`, ""];
  if (run.stages.length) {
    lines.push("| Stage | Status | Duration |", "| --- | --- | --- |");
    for (const s of run.stages) lines.push(`| ${cell(s.stage)} | ${cell(s.status)} | ${duration(s)} |`);
    lines.push("");
  }
  if (run.failedActions.length) {
    lines.push("#### Failed actions", "");
    for (const f of run.failedActions) {
      const link = f.url ? ` ([details](${cell(f.url)}))` : "";
      lines.push(`- **${cell(f.stage)}/${cell(f.action)}**: ${cell(f.summary ?? "failed")}${link}`);
      if (f.build) lines.push(`  - build \`${cell(f.build.id)}\`${f.build.phase ? `, phase ${cell(f.build.phase)} ${cell(f.build.phaseStatus)}${f.build.phaseMessage ? `: ${cell(f.build.phaseMessage)}` : ""}` : ""}`);
      if (f.logTail?.length) {
        const fence = "```";
        lines.push("", `  ${fence}text`, ...f.logTail.map((l) => `  ${sanitizeForTerminal(l, { max: 500, oneLine: true }).replace(/```/g, "ʼʼʼ")}`), `  ${fence}`, "");
      }
    }
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

/** Appends the summary to $GITHUB_STEP_SUMMARY; a file that cannot be written is a warning. */
export async function appendStepSummary(ctx: Context, markdown: string): Promise<void> {
  const path = ctx.env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  try {
    await refuseSpecialFile(path, "GITHUB_STEP_SUMMARY");
    await appendFile(path, markdown);
  } catch (error) {
    ctx.out.warn(`could not append the job summary to ${path}: ${(error as Error).message}`);
  }
}
