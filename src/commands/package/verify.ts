import { arg, defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { ExitCode, UsageError } from "../../lib/errors.js";
import { formatVerify } from "../../lib/package/format.js";
import { verifyZip, type VerifyReport } from "../../lib/package/verify.js";

const flags = {
  handler: opt.string("--handler <handler>", "also check that this handler's file exists, e.g. php.handler"),
  arch: opt.choice("--arch <arch>", "the function's architecture: a bootstrap built for the other one is a finding", ["x86_64", "arm64"] as const),
};
const args = { zip: arg("<zip>", "the zip to check, made by awsblog or anything else") };

export default defineCommand({
  options: flags,
  args,
  help: "Understands both layouts: the Node.js wrapper (a handler file at the root) and provided.al2023\n(an executable bootstrap at the root: ELF or #!, what it starts present, the right architecture,\nshared libraries in the zip or Lambda's base image).\nExit 3 when there are findings (CI can stop a bad deploy), 2 when the file is not a readable zip.",
  examples: ["awsblog package verify function.zip -o json", "awsblog package verify go-bootstrap.zip --arch arm64"],
  run: verifyCommand,
});

/** A Lambda handler string: `<file>.<export>` (the file may sit in a folder). */
const HANDLER = /^[^\s]+\.[A-Za-z_$][\w$]*$/;

/** Checks any zip, wherever it was made; findings exit 3 so CI can stop a bad deploy. */
async function verifyCommand(options: OptionsOf<typeof flags>, _ctx: Context, { zip }: ArgsOf<typeof args>): Promise<CommandResult<VerifyReport>> {
  if (zip === "") throw new UsageError("package verify needs a zip", "awsblog package verify app.zip");
  if (options.handler !== undefined && !HANDLER.test(options.handler)) {
    throw new UsageError(`--handler ${options.handler}: expected <file>.<export>`, "e.g. --handler php.handler");
  }
  const report = await verifyZip(zip, options);
  return { data: report, text: formatVerify(report), exitCode: report.findings.length > 0 ? ExitCode.findings : ExitCode.ok };
}
