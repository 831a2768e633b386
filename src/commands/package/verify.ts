import type { CommandResult, Context } from "../../lib/context.js";
import { ExitCode, UsageError } from "../../lib/errors.js";
import { verifyZip, type VerifyReport } from "../../lib/package/verify.js";
import { formatVerify } from "./format.js";

export interface VerifyOptions {
  handler?: string;
}

/** A Lambda handler string: `<file>.<export>` (the file may sit in a folder). */
const HANDLER = /^[^\s]+\.[A-Za-z_$][\w$]*$/;

/** Checks any zip, wherever it was made; findings exit 3 so CI can stop a bad deploy. */
export async function verifyCommand(zip: string | undefined, options: VerifyOptions, _ctx: Context): Promise<CommandResult<VerifyReport>> {
  if (!zip) throw new UsageError("package verify needs a zip", "awsblog package verify app.zip");
  if (options.handler !== undefined && !HANDLER.test(options.handler)) {
    throw new UsageError(`--handler ${options.handler}: expected <file>.<export>`, "e.g. --handler php.handler");
  }
  const report = await verifyZip(zip, options);
  return { data: report, text: formatVerify(report), exitCode: report.findings.length > 0 ? ExitCode.findings : ExitCode.ok };
}
