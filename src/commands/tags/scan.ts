import type { CommandResult, Context } from "../../lib/context.js";
import { ExitCode } from "../../lib/errors.js";
import { isViolation, type Finding } from "../../lib/tags/evaluate.js";
import { scanText } from "../../lib/tags/report.js";
import { takeInventory, type PolicyOptions, type TagsDeps } from "./inventory.js";

export type ScanOptions = PolicyOptions;

export interface ScanViolation {
  instanceId: string;
  vpcId: string | null;
  state: string;
  untagged: boolean;
  missing: string[];
  empty: string[];
  /** The tag fixes enforce would make; UserLookup values are null (looked up by enforce). */
  planned: { action: string; tagKey: string; value: string | null }[];
}

export interface ScanResult {
  scanned: number;
  compliant: number;
  violations: ScanViolation[];
}

/** Read-only audit: DescribeInstances (and the rules table) only. Exit 3 when anything violates. */
export async function scan(options: ScanOptions, ctx: Context, deps: TagsDeps = {}): Promise<CommandResult<ScanResult>> {
  const { findings } = await takeInventory(options, ctx, deps);
  const violating = findings.filter(isViolation);
  return {
    data: { scanned: findings.length, compliant: findings.length - violating.length, violations: violating.map(toViolation) },
    text: scanText(findings.length, violating),
    exitCode: violating.length ? ExitCode.findings : ExitCode.ok,
  };
}

function toViolation(f: Finding): ScanViolation {
  return {
    instanceId: f.instanceId,
    vpcId: f.vpcId,
    state: f.state,
    untagged: f.untagged,
    missing: f.missing,
    empty: f.empty,
    planned: f.fixes.map((x) => ({ action: x.action, tagKey: x.tagKey, value: x.value })),
  };
}
