import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { CommandResult, Context } from "../context.js";
import { FailureError, InterruptedError, UsageError } from "../errors.js";
import { parseJsonArg, readTextArg } from "../input.js";
import { formatPackage, type PackageResult } from "./format.js";
import { invokeZipLocally } from "./invoke-local.js";
import { planPackage } from "./layout.js";
import { LAMBDA_LIMITS, humanSize, type InputMode, type Language } from "./limits.js";
import { inspectZip } from "./verify.js";
import { writeZip } from "./zip-writer.js";

/** Lambda takes at most 6 MB of event in a synchronous invocation. */
const LAMBDA_EVENT_BYTES = 6 * 1024 * 1024;

export interface PackageOptions {
  entry?: string;
  out?: string;
  runtimeDir?: string;
  include?: string[];
  name?: string;
  input?: InputMode;
  runLocal?: boolean;
  event?: string;
  localTimeout?: number;
}

export async function packageProgram(language: Language, options: PackageOptions, ctx: Context): Promise<CommandResult<PackageResult>> {
  if (!options.entry) throw new UsageError("--entry is required", `pass the ${language === "go" ? "compiled binary" : `${language} script`} to run, e.g. --entry ${language === "go" ? "app" : `hello.${language === "php" ? "php" : "rb"}`}`);
  if (!options.out) throw new UsageError("--out is required", "pass where to write the zip, e.g. --out function.zip");
  if (options.event !== undefined && !options.runLocal) throw new UsageError("--event only works with --run-local");
  // Read the event first: a bad event should fail before anything is written.
  const event = options.runLocal ? parseJsonArg(await readTextArg(options.event ?? "{}", "--event", ctx.stdin, LAMBDA_EVENT_BYTES), "--event") : undefined;

  const cwd = process.cwd();
  const plan = await planPackage({ language, entry: options.entry, runtimeDir: options.runtimeDir, includes: options.include ?? [], name: options.name, input: options.input, out: options.out, cwd });
  const out = resolve(cwd, options.out);
  const stats = await writeZip(plan.entries, plan.emptyDirs, out);

  const warnings: string[] = [];
  if (stats.zippedBytes > LAMBDA_LIMITS.zippedBytes) warnings.push(`${humanSize(stats.zippedBytes)} zipped: above the 50 MB direct-upload limit; deploy it through S3`);
  if (stats.unzippedBytes > LAMBDA_LIMITS.unzippedBytes) warnings.push(`${humanSize(stats.unzippedBytes)} unzipped: above Lambda's 250 MB limit; Lambda will refuse it`);
  if (plan.architecture && !["x86_64", "arm64"].includes(plan.architecture)) warnings.push(`${plan.wrapper.program} is built for ${plan.architecture}; Lambda runs x86_64 or arm64`);
  // The check `package verify` and `deploy` refuse a zip for, run on the zip just written:
  // a library Lambda's image lacks is better heard of now than at the first invocation.
  const { report } = await inspectZip(out);
  for (const f of report.findings) if (f.code === "missing-shared-library") warnings.push(`${f.path}: ${f.message}`);
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
  refuseForeignArchitecture(plan.wrapper.program, plan.architecture, out);
  try {
    data.invocation = await invokeZipLocally(out, plan.handler, event, (options.localTimeout ?? 30) * 1000, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) throw new InterruptedError("interrupted: the program was stopped", `the zip is at ${out}`);
    const err = error as Error;
    throw new FailureError(`${plan.handler} failed locally: ${err.name}: ${err.message}`, `the zip is at ${out}; fix the program and package again`, { cause: error });
  }
  return { data, text: JSON.stringify(data.invocation.result) };
}

const HOST_ARCHITECTURE: Record<string, string> = { x64: "x86_64", arm64: "arm64" };

/**
 * A binary for the other architecture does not fail cleanly here: the kernel refuses it
 * (ENOEXEC) and execvp hands it to /bin/sh, which prints nonsense about the bytes. Unless
 * binfmt_misc runs it under QEMU, say so before trying.
 */
function refuseForeignArchitecture(program: string, architecture: string | undefined, out: string, host = HOST_ARCHITECTURE[process.arch] ?? process.arch): void {
  if (!architecture || architecture === host || (architecture === "x86" && host === "x86_64")) return;
  const emulator = { arm64: "qemu-aarch64", x86_64: "qemu-x86_64" }[architecture];
  if (emulator && existsSync(`/proc/sys/fs/binfmt_misc/${emulator}`)) return;
  throw new UsageError(
    `--run-local: ${program} is built for ${architecture} and this machine is ${host}, so it cannot run here`,
    `the zip is at ${out}; deploy it to an ${architecture} function, or build for ${host} to try it locally`,
  );
}
