import { defineCommand, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { ExitCode } from "../../lib/errors.js";
import { scanTarget, type ScanResult } from "../../lib/tags/engine.js";
import { loadPolicy } from "../../lib/tags/inventory.js";
import { scanText } from "../../lib/tags/report.js";
import { policyFlags, RULES_HELP } from "./flags.js";

const flags = { ...policyFlags };

export default defineCommand({
  options: flags,
  help: `${RULES_HELP}\nRead-only. Exit 3 when any instance violates the rules.`,
  examples: ["awsblog tags scan --policy rules.yaml --vpc vpc-0abc1234 -o json"],
  run: scan,
});

export type ScanOptions = OptionsOf<typeof flags>;
export type { ScanResult, ScanViolation } from "../../lib/tags/engine.js";

/** `tags scan` / `tag-audit`: read-only audit (DescribeInstances and the rules table). Exit 3 when anything violates. */
export async function scan(options: ScanOptions, ctx: Context): Promise<CommandResult<ScanResult>> {
  const policy = await loadPolicy(options, ctx);
  const { findings, ...data } = await scanTarget(policy, ctx);
  return { data, text: scanText(data.scanned, findings), exitCode: findings.length ? ExitCode.findings : ExitCode.ok };
}
