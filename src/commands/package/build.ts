import { resolve } from "node:path";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, InterruptedError, UsageError } from "../../lib/errors.js";
import { parseJsonArg, readTextArg } from "../../lib/input.js";
import { invokeZipLocally } from "../../lib/package/invoke-local.js";
import { planPackage } from "../../lib/package/layout.js";
import { LAMBDA_LIMITS, type InputMode, type Language } from "../../lib/package/limits.js";
import { mb } from "../../lib/package/verify.js";
import { writeZip } from "../../lib/package/zip-writer.js";
import { formatPackage } from "./format.js";

export interface PackageOptions {
  entry: string;
  runtimeDir?: string;
  include?: string[];
  name?: string;
  input?: InputMode;
  out: string;
  runLocal?: boolean;
  event?: string;
  localTimeout?: number;
}

export interface PackageResult {
  zip: string;
  language: Language;
  handler: string;
  input: InputMode;
  /** What the wrapper runs, relative to the zip root. */
  program: string;
  architecture?: string;
  entries: number;
  zippedBytes: number;
  unzippedBytes: number;
  /** base64 SHA-256 of the zip: what Lambda reports as CodeSha256 after deploy. */
  codeSha256: string;
  warnings: string[];
  invocation?: { result: unknown; durationMs: number };
}

export async function packageProgram(language: Language, options: PackageOptions, ctx: Context): Promise<CommandResult<PackageResult>> {
  if (options.event !== undefined && !options.runLocal) throw new UsageError("--event only works with --run-local");
  // Read the event first: a bad event should fail before anything is written.
  const event = options.runLocal ? parseJsonArg(await readTextArg(options.event ?? "{}", "--event", ctx.stdin), "--event") : undefined;

  const cwd = process.cwd();
  const plan = await planPackage({ language, entry: options.entry, runtimeDir: options.runtimeDir, includes: options.include ?? [], name: options.name, input: options.input, out: options.out, cwd });
  const out = resolve(cwd, options.out);
  const stats = await writeZip(plan.entries, plan.emptyDirs, out);

  const warnings = plan.skipped.map((path) => `${path}: not a regular file or directory, left out`);
  if (stats.zippedBytes > LAMBDA_LIMITS.zippedBytes) warnings.push(`${mb(stats.zippedBytes)} zipped: above the 50 MB direct-upload limit; deploy it through S3`);
  if (stats.unzippedBytes > LAMBDA_LIMITS.unzippedBytes) warnings.push(`${mb(stats.unzippedBytes)} unzipped: above Lambda's 250 MB limit; Lambda will refuse it`);
  if (plan.architecture && !["x86_64", "arm64"].includes(plan.architecture)) warnings.push(`${plan.wrapper.program} is built for ${plan.architecture}; Lambda runs x86_64 or arm64`);
  for (const warning of warnings) ctx.out.warn(warning);

  const data: PackageResult = {
    zip: out,
    language,
    handler: plan.handler,
    input: plan.wrapper.input,
    program: plan.wrapper.program,
    architecture: plan.architecture,
    entries: stats.entries,
    zippedBytes: stats.zippedBytes,
    unzippedBytes: stats.unzippedBytes,
    codeSha256: stats.codeSha256,
    warnings,
  };
  if (!options.runLocal) return { data, text: formatPackage(data) };

  ctx.out.info(formatPackage(data));
  try {
    data.invocation = await invokeZipLocally(out, plan.handler, event, (options.localTimeout ?? 30) * 1000, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) throw new InterruptedError("interrupted: the program was stopped", `the zip is at ${out}`);
    const err = error as Error;
    throw new FailureError(`${plan.handler} failed locally: ${err.name}: ${err.message}`, `the zip is at ${out}; fix the program and package again`, { cause: error });
  }
  return { data, text: JSON.stringify(data.invocation.result) };
}
