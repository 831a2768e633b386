import { defineCommand, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { ExitCode } from "../../lib/errors.js";
import { scanTarget, type ScanResult } from "../../lib/tags/engine.js";
import { loadPolicy } from "../../lib/tags/inventory.js";
import { checkOrgOptions, isOrgRun } from "../../lib/tags/org.js";
import { scanOrg, type OrgScanResult } from "../../lib/tags/org-run.js";
import { orgScanText } from "../../lib/tags/org-text.js";
import { checkReportPath, openReport, SCAN_COLUMNS, violationRow } from "../../lib/tags/report-file.js";
import { scanText } from "../../lib/tags/report.js";
import { ORG_HELP, orgFlags, policyFlags, RULES_HELP } from "./_shared.js";

const flags = { ...policyFlags, ...orgFlags };

export default defineCommand({
  options: flags,
  help: `${RULES_HELP}\n${ORG_HELP}\nRead-only. Exit 3 when any instance violates the rules, 4 when a target failed.`,
  examples: [
    "awsblog tags scan --policy rules.yaml --vpc vpc-0abc1234 -o json",
    "awsblog tags scan --policy rules.yaml --org --regions all --report tags.csv",
  ],
  run: scan,
});

export type ScanOptions = OptionsOf<typeof flags> & {
  /** Rules carried by a scheduled run's event (the Lambda handler), instead of --policy's file. */
  inlineRules?: unknown;
};
export type { ScanResult } from "../../lib/tags/engine.js";

/**
 * `tags scan` / `tag-audit`: read-only audit (DescribeInstances and the rules table). Exit 3
 * when anything violates. The scheduled Lambda's handler calls this same function.
 */
export async function scan(options: ScanOptions, ctx: Context): Promise<CommandResult<ScanResult | OrgScanResult>> {
  checkOrgOptions(options);
  if (options.report) await checkReportPath(options.report);
  const policy = await loadPolicy(options, ctx);
  if (isOrgRun(options)) {
    const data = await scanOrg(policy, options, ctx);
    const failed = data.targets.some((t) => t.status === "failed");
    return { data, text: orgScanText(data), exitCode: failed ? ExitCode.partial : data.violations.length ? ExitCode.findings : ExitCode.ok };
  }
  const data = await scanTarget(policy, ctx);
  if (options.report) await writeSingleReport(options.report, ctx, data);
  return { data, text: scanText(data.scanned, data.violations), exitCode: data.violations.length ? ExitCode.findings : ExitCode.ok };
}

async function writeSingleReport(path: string, ctx: Context, data: ScanResult): Promise<void> {
  const sts = await ctx.services.stsRoles();
  const at = { accountId: (await sts.callerIdentity(ctx.signal)).account, region: await sts.region() };
  const report = await openReport(path, SCAN_COLUMNS);
  try {
    await report.write(
      data.violations.map((v) => violationRow(at, v)),
    );
  } finally {
    await report.close();
  }
}
