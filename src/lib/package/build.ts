import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CommandResult, Context } from "../context.js";
import { FailureError, InterruptedError, UsageError } from "../errors.js";
import { readEvents } from "./events.js";
import { formatPackage, type PackageResult } from "./format.js";
import { invokeZipLocally, runZipBootstrap, type LocalInvocation } from "./invoke-local.js";
import type { BootstrapStyle } from "./layout-bootstrap.js";
import { planPackage } from "./layout.js";
import { LAMBDA_LIMITS, humanSize, type InputMode, type Language } from "./limits.js";
import { inspectZip } from "./verify.js";
import { writeZip } from "./zip-writer.js";

export interface PackageOptions {
  entry: string;
  out: string;
  runtimeDir?: string;
  include?: string[];
  name?: string;
  input?: InputMode;
  runLocal?: boolean;
  event?: string[];
  timeout?: number;
  localTimeout?: number;
  runtime?: string;
  arch?: "x86_64" | "arm64";
  runtimeApi?: boolean;
  style?: BootstrapStyle;
}

export async function packageProgram(language: Language, options: PackageOptions, ctx: Context): Promise<CommandResult<PackageResult>> {
  if (options.event !== undefined && !options.runLocal) throw new UsageError("--event only works with --run-local");
  if ((options.timeout !== undefined || options.localTimeout !== undefined) && !options.runLocal) throw new UsageError("--timeout only works with --run-local", "it is the deadline the function sees when run here; deploy --timeout sets Lambda's");
  // Read the events first: a bad event should fail before anything is written.
  const events = options.runLocal ? await readEvents(options.event, ctx.stdin) : [];

  const cwd = process.cwd();
  const tempDir = await mkdtemp(join(tmpdir(), "awsblog-package-"));
  let plan;
  let stats;
  const out = resolve(cwd, options.out);
  try {
    plan = await planPackage({
      language,
      entry: options.entry,
      runtimeDir: options.runtimeDir,
      includes: options.include ?? [],
      name: options.name,
      input: options.input,
      out: options.out,
      cwd,
      runtime: options.runtime,
      arch: options.arch,
      runtimeApi: options.runtimeApi,
      style: options.style,
      tempDir,
      env: ctx.env,
      signal: ctx.signal,
    });
    stats = await writeZip(plan.entries, plan.emptyDirs, out);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }

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
    runtime: plan.bootstrap ? "provided.al2023" : "nodejs",
    handler: plan.handler,
    input: plan.wrapper.input,
    program: plan.bootstrap?.program ?? plan.wrapper.program,
    ...(plan.bootstrap ? { bootstrap: { kind: plan.bootstrap.kind, ...(plan.bootstrap.style ? { style: plan.bootstrap.style } : {}) } } : {}),
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
  const timeoutMs = (options.timeout ?? options.localTimeout ?? 30) * 1000;
  if (plan.bootstrap) return runBootstrapLocally(data, out, events, timeoutMs, ctx);
  let invocations: LocalInvocation[];
  try {
    invocations = await invokeZipLocally(out, plan.handler, events, timeoutMs, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) throw new InterruptedError("interrupted: the program was stopped", `the zip is at ${out}`);
    const err = error as Error & { eventIndex?: number };
    const which = events.length > 1 && err.eventIndex !== undefined ? ` on event ${err.eventIndex + 1}` : "";
    throw new FailureError(`${plan.handler} failed locally${which}: ${err.name}: ${err.message}`, `the zip is at ${out}; fix the program and package again`, { cause: error });
  }
  if (ctx.signal.aborted) throw new InterruptedError("interrupted: the program was stopped", `the zip is at ${out}`);
  data.invocation = invocations[0];
  if (events.length > 1) data.invocations = invocations;
  return { data, text: invocations.map((i) => JSON.stringify(i.result)).join("\n") };
}

/** provided.al2023: the zip's bootstrap served through the local Runtime API. */
async function runBootstrapLocally(data: PackageResult, out: string, events: unknown[], timeoutMs: number, ctx: Context): Promise<CommandResult<PackageResult>> {
  const run = await runZipBootstrap(out, { events, timeoutMs, hostEnv: ctx.env, signal: ctx.signal, onLog: (line) => ctx.out.info(`[bootstrap] ${line}`) });
  if (ctx.signal.aborted) throw new InterruptedError("interrupted: the bootstrap was stopped", `the zip is at ${out}`);
  data.inits = run.inits;
  data.invocations = run.invocations;
  const first = run.invocations[0];
  if (first && !first.error) data.invocation = { result: first.result, durationMs: first.durationMs };
  for (const init of run.inits) ctx.out.info(`init ${init.durationMs} ms${init.error ? ` — ${init.error.errorType}: ${init.error.errorMessage}` : ""}`);
  const failed = run.invocations.filter((i) => i.error);
  for (const invocation of run.invocations) ctx.out.info(`${invocation.requestId}: ${invocation.durationMs} ms${invocation.error ? ` — ${invocation.error.errorType}: ${invocation.error.errorMessage}` : ""}`);
  const lines = run.invocations.map((i) => JSON.stringify(i.error ? { errorType: i.error.errorType, errorMessage: i.error.errorMessage } : i.result));
  const error = failed[0]?.error;
  // One event: a failure is the usual one-line error. Several: every outcome is printed, exit 4 when some failed, 1 when all did.
  if (error && run.invocations.length === 1) {
    throw new FailureError(`bootstrap failed locally: ${error.errorType}: ${error.errorMessage}`, `the zip is at ${out}; fix the program and package again`);
  }
  if (error) ctx.out.warn(`${failed.length} of ${run.invocations.length} invocations failed; first: ${error.errorType}: ${error.errorMessage}`);
  return { data, text: lines.join("\n"), ...(error ? { exitCode: failed.length === run.invocations.length ? 1 : 4 } : {}) };
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
