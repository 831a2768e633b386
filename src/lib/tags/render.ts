import { fitColumns } from "../table.js";
import type { OrgEnforceResult, OrgScanResult, TargetReport } from "./org-run.js";
import type { Finding } from "./evaluate.js";
import type { EnforceAction, UntaggedInstance } from "./plan.js";
import type { ResourceNoun } from "./resource-types.js";

export const REPORT_SUBJECT = "Tagging Policy Report";
// SNS messages are limited to 256 KiB; keep room for the closing line.
const MAX_MESSAGE_BYTES = 250_000;

/**
 * scan's text rendering: one row per violating instance, then a summary line. On a terminal
 * (`width`) PLANNED FIXES shrinks first, then goes, then VIOLATIONS shrinks; ids are never cut.
 */
export function scanText(scanned: number, violations: Finding[], width?: number, noun: ResourceNoun = "instance"): string {
  const rows = violations.map((f) => [
    f.instanceId,
    f.vpcId ?? "-",
    f.state,
    problems(f),
    f.untagged ? "(untagged: see enforce --untagged)" : f.planned.map((x) => `${x.tagKey}=${x.value ?? "<creator from CloudTrail>"}`).join(", "),
  ]);
  // --resource-types runs: ids are instance ids or ARNs of other types.
  const fitted = fitColumns([[noun.toUpperCase(), "VPC", "STATE", "VIOLATIONS", "PLANNED FIXES"], ...rows], {
    width,
    steps: [{ shrink: 4, min: 24 }, { drop: 4 }, { shrink: 3, min: 16 }],
  });
  const table = rows.length ? fitted.lines.join("\n") : "";
  const summary = `scanned ${scanned} ${noun}(s): ${scanned - violations.length} compliant, ${violations.length} in violation`;
  return table ? `${table}\n${leftOut(fitted.dropped)}${summary}` : summary;
}

function problems(f: Finding): string {
  const parts: string[] = [];
  if (f.untagged) parts.push("untagged");
  if (f.missing.length) parts.push(`missing ${f.missing.join(",")}`);
  if (f.empty.length) parts.push(`empty ${f.empty.join(",")}`);
  if (f.invalid?.length) parts.push(`invalid ${f.invalid.map((v) => `${v.tagKey}=${v.value}`).join(",")}`);
  return parts.join("; ");
}

/** The line under a fitted table when a column had to go (empty otherwise). */
export function leftOut(dropped: string[]): string {
  return dropped.length ? `(${dropped.join(", ")} left out to fit the terminal; -o json has all)\n` : "";
}


/** One line per action, in the spirit of the post's mail ("Instance i-… missing tag …"). */
export function actionLine(a: EnforceAction): string {
  const it = resourceLabel(a);
  const what =
    a.result === "deferred"
      ? `${it} ${a.reason} tag ${a.tagKey}: left unset until CloudTrail can be read`
      : a.reason === "propagated"
      ? `${it} of instance ${a.from}: tag ${a.tagKey} set to "${a.value}"`
      : a.reason === "invalid"
      ? `${it} tag ${a.tagKey}: rewritten to "${a.value}"`
      : a.action === "tag"
      ? `${it} ${a.reason} tag ${a.tagKey}: set to "${a.value}"`
      : a.action === "mark"
      ? `${it} (${a.reason} a required tag): marked ${a.value}${a.result === "marked" ? " earlier, waiting" : ""}`
      : a.action === "unmark"
      ? `${it} fixed: mark ${a.tagKey} removed`
      : a.reason === "untagged"
      ? `${it} has no tags: ${a.action}`
      : `${it} (${a.reason} a required tag): ${a.action}`;
  const outcome = a.result === "failed" ? `FAILED (${a.error ?? "unknown error"})` : a.result;
  return `${what} — ${outcome}`;
}

/** "Instance i-…" or, for other types, "s3:bucket arn:aws:s3:::…". */
function resourceLabel(r: { instanceId: string; resourceType?: string }): string {
  return r.resourceType === undefined || r.resourceType === "ec2:instance" ? `Instance ${r.instanceId}` : `${r.resourceType} ${r.instanceId}`;
}

export function untaggedLine(u: UntaggedInstance): string {
  const where = u.resourceType === undefined || u.resourceType === "ec2:instance" ? ` (${u.vpcId ?? "no VPC"}, ${u.state})` : "";
  return `${resourceLabel(u)}${where} has no tags${u.autoScalingGroup ? ` (Auto Scaling group ${u.autoScalingGroup})` : ""}`;
}

/** How many actions ended each way: what the summary line says. */
export type ResultCounts = Record<EnforceAction["result"], number>;

export function countResults(actions: Iterable<Pick<EnforceAction, "result">>): ResultCounts {
  const counts: ResultCounts = { done: 0, failed: 0, planned: 0, deferred: 0, marked: 0 };
  for (const a of actions) counts[a.result]++;
  return counts;
}

export function enforceSummary(scanned: number, actions: EnforceAction[], dryRun: boolean, noun: ResourceNoun = "instance"): string {
  return summaryLine(scanned, actions.length, countResults(actions), dryRun, noun);
}

function summaryLine(scanned: number, total: number, count: ResultCounts, dryRun: boolean, noun: ResourceNoun): string {
  const head = dryRun ? "dry run: nothing was changed" : `${count.done} done, ${count.failed} failed`;
  const deferred = count.deferred ? `, ${count.deferred} deferred to the next run` : "";
  return `scanned ${scanned} ${noun}(s), ${total} action(s): ${head}${dryRun && count.failed ? `, ${count.failed} would fail` : ""}${deferred}`;
}

export function enforceText(scanned: number, actions: EnforceAction[], untagged: UntaggedInstance[], dryRun: boolean, noun: ResourceNoun = "instance"): string {
  const lines = [...untagged.map(untaggedLine), ...actions.map(actionLine), enforceSummary(scanned, actions, dryRun, noun)];
  return lines.join("\n");
}

/**
 * The SNS summary built as actions come (a streamed org run never holds them all): it keeps
 * the lines that can fit SNS's size limit, untagged resources first, and counts the rest.
 */
export interface NotificationBuilder {
  untagged(u: UntaggedInstance): void;
  action(a: EnforceAction): void;
  /** Anything to report (the summary is sent only then). */
  readonly empty: boolean;
  message(scanned: number, noun: ResourceNoun): string;
}

export function createNotification(): NotificationBuilder {
  const kept = { untagged: [] as string[], actions: [] as string[] };
  const bytes = { untagged: 0, actions: 0 };
  const counts = countResults([]);
  let untaggedTotal = 0;
  let actionTotal = 0;
  const keep = (list: "untagged" | "actions", line: () => string) => {
    // Each list keeps up to the whole limit: message() then cuts exactly as from the full lists.
    if (bytes[list] > MAX_MESSAGE_BYTES) return;
    const text = `-- ${line()}`;
    kept[list].push(text);
    bytes[list] += Buffer.byteLength(text) + 1;
  };
  return {
    untagged(u) {
      untaggedTotal++;
      keep("untagged", () => untaggedLine(u));
    },
    action(a) {
      actionTotal++;
      counts[a.result]++;
      keep("actions", () => actionLine(a));
    },
    get empty() {
      return untaggedTotal + actionTotal === 0;
    },
    message(scanned, noun) {
      const head = "The following tagging policy violations were found and handled:";
      const tail = summaryLine(scanned, actionTotal, counts, false, noun);
      let size = Buffer.byteLength(head + tail) + 200;
      const lines: string[] = [];
      for (const line of [...kept.untagged, ...kept.actions]) {
        size += Buffer.byteLength(line) + 1;
        if (size > MAX_MESSAGE_BYTES) break;
        lines.push(line);
      }
      const cut = untaggedTotal + actionTotal - lines.length;
      return [head, ...lines, ...(cut ? [`-- … and ${cut} more (run awsblog tags enforce -o json for the full list)`] : []), "", tail].join("\n");
    },
  };
}

/** The SNS summary: one line per action and untagged instance, cut to fit SNS's size limit. */
export function notificationMessage(scanned: number, actions: EnforceAction[], untagged: UntaggedInstance[], noun: ResourceNoun = "instance"): string {
  const builder = createNotification();
  untagged.forEach((u) => builder.untagged(u));
  actions.forEach((a) => builder.action(a));
  return builder.message(scanned, noun);
}

/** Text renderings of an org run: findings with their account and region, then the targets. */
export function orgScanText(result: OrgScanResult, width?: number, noun: ResourceNoun = "instance"): string {
  const rows = result.violations.map((v) => [
    v.accountId,
    v.region,
    v.instanceId,
    v.vpcId ?? "-",
    v.state,
    problems(v),
  ]);
  const fitted = fitColumns([["ACCOUNT", "REGION", noun.toUpperCase(), "VPC", "STATE", "VIOLATIONS"], ...rows], {
    width,
    steps: [{ shrink: 5, min: 20 }, { drop: 3 }, { shrink: 5, min: 12 }],
  });
  const table = rows.length ? `${fitted.lines.join("\n")}\n${leftOut(fitted.dropped)}` : "";
  return `${table}${targetsText(result.targets)}\nscanned ${result.scanned} ${noun}(s) in ${result.targets.length} target(s): ${result.compliant} compliant, ${result.violations.length} in violation`;
}

export function orgEnforceText(result: OrgEnforceResult, dryRun: boolean, noun: ResourceNoun = "instance"): string {
  const lines = [
    ...result.untagged.map((u) => `${u.accountId} ${u.region} ${untaggedLine(u)}`),
    ...result.actions.map((a) => `${a.accountId} ${a.region} ${actionLine(a)}`),
    targetsText(result.targets),
    enforceSummary(result.scanned, result.actions, dryRun, noun),
  ];
  return lines.join("\n");
}

function targetsText(targets: TargetReport[]): string {
  const failed = targets.filter((t) => t.status === "failed");
  const head = `${targets.length - failed.length} of ${targets.length} target(s) ok`;
  return [head + (failed.length ? `, ${failed.length} FAILED:` : ""), ...failed.map((t) => `  ${t.accountId} ${t.region}: ${t.error}`)].join("\n");
}
