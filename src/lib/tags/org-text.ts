import type { OrgEnforceResult, OrgScanResult, TargetReport } from "./org-run.js";
import { fitColumns } from "../table.js";
import { actionLine, enforceSummary, leftOut, untaggedLine } from "./report.js";

/** Text renderings of an org run: findings with their account and region, then the targets. */
export function orgScanText(result: OrgScanResult, width?: number): string {
  const rows = result.violations.map((v) => [
    v.accountId,
    v.region,
    v.instanceId,
    v.vpcId ?? "-",
    v.state,
    [v.untagged ? "untagged" : "", v.missing.length ? `missing ${v.missing.join(",")}` : "", v.empty.length ? `empty ${v.empty.join(",")}` : ""].filter(Boolean).join("; "),
  ]);
  const fitted = fitColumns([["ACCOUNT", "REGION", "INSTANCE", "VPC", "STATE", "VIOLATIONS"], ...rows], {
    width,
    steps: [{ shrink: 5, min: 20 }, { drop: 3 }, { shrink: 5, min: 12 }],
  });
  const table = rows.length ? `${fitted.lines.join("\n")}\n${leftOut(fitted.dropped)}` : "";
  return `${table}${targetsText(result.targets)}\nscanned ${result.scanned} instance(s) in ${result.targets.length} target(s): ${result.compliant} compliant, ${result.violations.length} in violation`;
}

export function orgEnforceText(result: OrgEnforceResult, dryRun: boolean): string {
  const lines = [
    ...result.untagged.map((u) => `${u.accountId} ${u.region} ${untaggedLine(u)}`),
    ...result.actions.map((a) => `${a.accountId} ${a.region} ${actionLine(a)}`),
    targetsText(result.targets),
    enforceSummary(result.scanned, result.actions, dryRun),
  ];
  return lines.join("\n");
}

function targetsText(targets: TargetReport[]): string {
  const failed = targets.filter((t) => t.status === "failed");
  const head = `${targets.length - failed.length} of ${targets.length} target(s) ok`;
  return [head + (failed.length ? `, ${failed.length} FAILED:` : ""), ...failed.map((t) => `  ${t.accountId} ${t.region}: ${t.error}`)].join("\n");
}
