import type { Finding } from "./evaluate.js";
import type { EnforceAction, UntaggedInstance } from "./plan.js";

export const REPORT_SUBJECT = "Tagging Policy Report";
// SNS messages are limited to 256 KiB; keep room for the closing line.
const MAX_MESSAGE_BYTES = 250_000;

/** scan's text rendering: one row per violating instance, then a summary line. */
export function scanText(scanned: number, violations: Finding[]): string {
  const rows = violations.map((f) => [
    f.instanceId,
    f.vpcId ?? "-",
    f.state,
    problems(f),
    f.untagged ? "(untagged: see enforce --untagged)" : f.planned.map((x) => `${x.tagKey}=${x.value ?? "<creator from CloudTrail>"}`).join(", "),
  ]);
  const table = rows.length ? formatTable([["INSTANCE", "VPC", "STATE", "VIOLATIONS", "PLANNED FIXES"], ...rows]) : "";
  const summary = `scanned ${scanned} instance(s): ${scanned - violations.length} compliant, ${violations.length} in violation`;
  return table ? `${table}\n${summary}` : summary;
}

function problems(f: Finding): string {
  const parts: string[] = [];
  if (f.untagged) parts.push("untagged");
  if (f.missing.length) parts.push(`missing ${f.missing.join(",")}`);
  if (f.empty.length) parts.push(`empty ${f.empty.join(",")}`);
  return parts.join("; ");
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!))).join("  ")).join("\n");
}

/** One line per action, in the spirit of the post's mail ("Instance i-… missing tag …"). */
export function actionLine(a: EnforceAction): string {
  const what =
    a.action === "tag"
      ? `Instance ${a.instanceId} ${a.reason} tag ${a.tagKey}: set to "${a.value}"`
      : `Instance ${a.instanceId} has no tags: ${a.action === "stop" ? "stop" : "terminate"}`;
  const outcome = a.result === "failed" ? `FAILED (${a.error ?? "unknown error"})` : a.result;
  return `${what} — ${outcome}`;
}

export function untaggedLine(u: UntaggedInstance): string {
  return `Instance ${u.instanceId} (${u.vpcId ?? "no VPC"}, ${u.state}) has no tags${u.autoScalingGroup ? ` (Auto Scaling group ${u.autoScalingGroup})` : ""}`;
}

export function enforceSummary(scanned: number, actions: EnforceAction[], dryRun: boolean): string {
  const count = (r: EnforceAction["result"]) => actions.filter((a) => a.result === r).length;
  const head = dryRun ? "dry run: nothing was changed" : `${count("done")} done, ${count("failed")} failed`;
  return `scanned ${scanned} instance(s), ${actions.length} action(s): ${head}${dryRun && count("failed") ? `, ${count("failed")} would fail` : ""}`;
}

export function enforceText(scanned: number, actions: EnforceAction[], untagged: UntaggedInstance[], dryRun: boolean): string {
  const lines = [...untagged.map(untaggedLine), ...actions.map(actionLine), enforceSummary(scanned, actions, dryRun)];
  return lines.join("\n");
}

/** The SNS summary: one line per action and untagged instance, cut to fit SNS's size limit. */
export function notificationMessage(scanned: number, actions: EnforceAction[], untagged: UntaggedInstance[]): string {
  const lines = [...untagged.map(untaggedLine), ...actions.map(actionLine)].map((l) => `-- ${l}`);
  const head = "The following tagging policy violations were found and handled:";
  const tail = enforceSummary(scanned, actions, false);
  let size = Buffer.byteLength(head + tail) + 200;
  const kept: string[] = [];
  for (const line of lines) {
    size += Buffer.byteLength(line) + 1;
    if (size > MAX_MESSAGE_BYTES) break;
    kept.push(line);
  }
  const cut = lines.length - kept.length;
  return [head, ...kept, ...(cut ? [`-- … and ${cut} more (run awsblog tags enforce -o json for the full list)`] : []), "", tail].join("\n");
}
