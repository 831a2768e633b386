import { humanSize, type InputMode, type Language } from "./limits.js";
import type { BootstrapKind, BootstrapStyle } from "./layout-bootstrap.js";
import type { LambdaErrorShape } from "./runtime-api.js";
import type { VerifyReport } from "./verify.js";

export interface PackageResult {
  zip: string;
  language: Language;
  /** "nodejs" for the wrapper layout, "provided.al2023" for a bootstrap. */
  runtime: string;
  bootstrap?: { kind: BootstrapKind; style?: BootstrapStyle };
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
  /** --run-local with several events, or a bootstrap: every invocation, in order. */
  invocations?: { requestId?: string; durationMs: number; result?: unknown; error?: LambdaErrorShape }[];
  /** --run-local of a bootstrap: each start of the bootstrap until it asked for an event. */
  inits?: { durationMs: number; error?: LambdaErrorShape }[];
}


export function formatPackage(result: PackageResult): string {
  return [
    `wrote ${result.zip}: ${result.entries} entries, ${humanSize(result.zippedBytes)} zipped, ${humanSize(result.unzippedBytes)} unzipped`,
    result.bootstrap
      ? `bootstrap (provided.al2023, ${result.bootstrap.kind === "program" ? "the program speaks the Runtime API" : result.bootstrap.kind === "exec" ? `runs ${result.program} per invocation, event on ${result.input}` : result.bootstrap.style === "script" ? `runs the script per invocation, event on ${result.input}` : `${result.program} loads the handler once`}${result.architecture ? `, ${result.architecture}` : ""})`
      : `handler: ${result.handler} (runs ${result.program}${result.architecture ? `, ${result.architecture}` : ""}; event on ${result.input})`,
    `codeSha256: ${result.codeSha256}`,
  ].join("\n");
}

export function formatVerify(report: VerifyReport): string {
  const lines = [`${report.zip}: ${report.entries} entries, ${humanSize(report.zippedBytes)} zipped, ${humanSize(report.unzippedBytes)} unzipped`];
  if (report.wrapper) lines.push(`wrapper: ${report.wrapper.file} runs ${[report.wrapper.program, ...report.wrapper.args].join(" ")} (event on ${report.wrapper.input})`);
  else if (report.handlerFiles.length > 0) lines.push(`handler files: ${report.handlerFiles.join(", ")}`);
  const b = report.bootstrap;
  if (b) lines.push(`bootstrap (provided.al2023): ${b.format === "elf" ? "ELF" : b.format === "script" ? "#! script" : "not runnable"}${b.kind ? `, ${b.kind}${b.style ? ` (${b.style})` : ""}` : ""}${b.program && b.kind !== "program" ? `, starts ${b.program}` : ""}${b.architecture ? `, ${b.architecture}` : ""}`);
  if (report.findings.length === 0) lines.push("ok: no findings");
  for (const finding of report.findings) lines.push(`${finding.code}: ${finding.path ? `${finding.path}: ` : ""}${finding.message}`);
  return lines.join("\n");
}
