import type { CommandResult, Context } from "../context.js";
import { ExitCode } from "../errors.js";
import { scanTarget, type ScanResult } from "./engine.js";
import { loadPolicy, type PolicyOptions } from "./inventory.js";
import { checkOrgOptions, isOrgRun, type OrgOptions } from "./org.js";
import type { OrgScanResult } from "./org-run.js";
import { orgScanCommand } from "./org-scan.js";
import { scanText } from "./render.js";
import { resourceNoun } from "./resource-types.js";
import { checkReportPath, openReport, SCAN_COLUMNS, violationRow } from "./report-file.js";

export interface ScanOptions extends PolicyOptions, OrgOptions {
  /** `--report <file.csv|file.json>`. */
  report?: string;
  /** Rules carried by a scheduled run's event (the Lambda handler), instead of --policy's file. */
  inlineRules?: unknown;
}

/**
 * `tags scan` / `tag-audit`: read-only audit (DescribeInstances and the rules table), in the
 * caller's account and region or across targets. Exit 3 when anything violates, 4 when a
 * target failed. The command and the scheduled Lambda both call this function.
 */
export async function scan(options: ScanOptions, ctx: Context): Promise<CommandResult<ScanResult | OrgScanResult>> {
  checkOrgOptions(options);
  if (options.report) await checkReportPath(options.report);
  const policy = await loadPolicy(options, ctx);
  if (isOrgRun(options)) return orgScanCommand(policy, options, ctx);
  const data = await scanTarget(policy, ctx);
  if (options.report) await writeSingleReport(options.report, ctx, data);
  return { data, text: scanText(data.scanned, data.violations, ctx.out.width, resourceNoun(policy.types)), exitCode: data.violations.length ? ExitCode.findings : ExitCode.ok };
}

async function writeSingleReport(path: string, ctx: Context, data: ScanResult): Promise<void> {
  const sts = await ctx.services.callerSts();
  const at = { accountId: (await sts.callerIdentity(ctx.signal)).account, region: await sts.region() };
  const report = await openReport(path, SCAN_COLUMNS);
  try {
    await report.write(data.violations.map((v) => violationRow(at, v)));
  } finally {
    await report.close();
  }
}
