import type { CommandResult, Context } from "../context.js";
import { ExitCode } from "../errors.js";
import type { Policy } from "./inventory.js";
import type { OrgOptions } from "./org.js";
import { scanOrg, type OrgScanResult } from "./org-run.js";
import { orgScanText } from "./render.js";
import { resourceNoun } from "./resource-types.js";

/**
 * `tags scan` over targets as the command returns it. With `-o json` on the CLI the document
 * is written as the run goes — violations first, target by target in target order, then
 * `targets`, `scanned`, `compliant` — and only counts are kept. A run cut short by Ctrl-C ends
 * the document with `"interrupted": true`; one stopped by an unexpected error ends it with
 * `"error"`: stdout always holds one valid JSON document.
 */
export async function orgScanCommand(policy: Policy, options: OrgOptions & { report?: string }, ctx: Context): Promise<CommandResult<OrgScanResult>> {
  const doc = ctx.out.document();
  if (!doc) {
    const { inViolation: _, ...data } = await scanOrg(policy, options, ctx);
    const failed = data.targets.some((t) => t.status === "failed");
    return { data, text: orgScanText(data, ctx.out.width, resourceNoun(policy.types)), exitCode: failed ? ExitCode.partial : data.violations.length ? ExitCode.findings : ExitCode.ok };
  }
  // Opened with the first finding: an error before any (a bad --ou) prints no half document.
  let opened = false;
  const open = () => opened || ((opened = true), doc.list("violations"));
  let result: Awaited<ReturnType<typeof scanOrg>>;
  try {
    result = await scanOrg(policy, options, ctx, {
      emit(violations) {
        open();
        for (const v of violations) doc.item(v);
      },
    });
  } catch (error) {
    if (opened) {
      doc.field("error", error instanceof Error ? error.message.split("\n")[0] : String(error));
      doc.close();
    }
    throw error;
  }
  open();
  doc.field("targets", result.targets);
  doc.field("scanned", result.scanned);
  doc.field("compliant", result.compliant);
  if (ctx.signal.aborted) doc.field("interrupted", true);
  doc.close();
  const failed = result.targets.some((t) => t.status === "failed");
  // The document is out; the result's data is what a --query-less host would have seen, without the list.
  return { data: { scanned: result.scanned, compliant: result.compliant, violations: [], targets: result.targets }, exitCode: failed ? ExitCode.partial : result.inViolation ? ExitCode.findings : ExitCode.ok };
}
