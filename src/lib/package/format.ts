import { humanSize, type InputMode, type Language } from "./limits.js";
import type { VerifyReport } from "./verify.js";

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


export function formatPackage(result: PackageResult): string {
  return [
    `wrote ${result.zip}: ${result.entries} entries, ${humanSize(result.zippedBytes)} zipped, ${humanSize(result.unzippedBytes)} unzipped`,
    `handler: ${result.handler} (runs ${result.program}${result.architecture ? `, ${result.architecture}` : ""}; event on ${result.input})`,
    `codeSha256: ${result.codeSha256}`,
  ].join("\n");
}

export function formatVerify(report: VerifyReport): string {
  const lines = [`${report.zip}: ${report.entries} entries, ${humanSize(report.zippedBytes)} zipped, ${humanSize(report.unzippedBytes)} unzipped`];
  if (report.wrapper) lines.push(`wrapper: ${report.wrapper.file} runs ${[report.wrapper.program, ...report.wrapper.args].join(" ")} (event on ${report.wrapper.input})`);
  else if (report.handlerFiles.length > 0) lines.push(`handler files: ${report.handlerFiles.join(", ")}`);
  if (report.findings.length === 0) lines.push("ok: no findings");
  for (const finding of report.findings) lines.push(`${finding.code}: ${finding.path ? `${finding.path}: ` : ""}${finding.message}`);
  return lines.join("\n");
}
