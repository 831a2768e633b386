import { open, type FileHandle } from "node:fs/promises";
import { extname } from "node:path";
import { UsageError } from "../errors.js";
import { checkOutputPath, writeFailure } from "../output-file.js";
import type { Finding } from "./evaluate.js";

/**
 * `--report <file.csv|file.json|file.jsonl>`: the per-instance report people paste into tickets, one row
 * per violation (scan) or action (enforce), plus one row per failed target. Rows are written
 * as each target finishes, so the file grows with the run and nothing waits for the end.
 */
export type ReportRow = Record<string, string | number | boolean | null>;

export interface ReportFile {
  write(rows: ReportRow[]): Promise<void>;
  close(): Promise<void>;
}

export const SCAN_COLUMNS = ["accountId", "region", "instanceId", "vpcId", "state", "untagged", "missing", "empty", "planned", "error"] as const;
export const ENFORCE_COLUMNS = ["accountId", "region", "instanceId", "action", "tagKey", "value", "reason", "result", "error"] as const;

/** One scan report row: a violation where it was found. */
export function violationRow(at: { accountId: string; region: string }, v: Finding): ReportRow {
  return {
    accountId: at.accountId,
    region: at.region,
    instanceId: v.instanceId,
    vpcId: v.vpcId,
    state: v.state,
    untagged: v.untagged,
    missing: v.missing.join(";"),
    empty: v.empty.join(";"),
    planned: v.planned.map((p) => `${p.tagKey}=${p.value ?? "<creator>"}`).join(";"),
  };
}

/** Checked before any AWS call: the extension picks the format, the folder must exist. */
export async function checkReportPath(path: string): Promise<"csv" | "json" | "jsonl"> {
  const ext = extname(path).toLowerCase();
  if (ext !== ".csv" && ext !== ".json" && ext !== ".jsonl") throw new UsageError(`--report ${path}: the file name must end in .csv, .json or .jsonl`, "e.g. --report tags.csv (or tags.jsonl for JSON Lines)");
  await checkOutputPath(path, "--report");
  return ext === ".csv" ? "csv" : ext === ".json" ? "json" : "jsonl";
}

export async function openReport(path: string, columns: readonly string[]): Promise<ReportFile> {
  const format = await checkReportPath(path);
  // A full disk or a file system gone read-only mid-run is one line naming the report.
  const failed = (error: unknown) => Promise.reject(writeFailure(path, error));
  const file: FileHandle = await open(path, "w").catch(failed);
  let first = true;
  await file.write(format === "csv" ? `${columns.join(",")}\n` : format === "json" ? "[" : "").catch(failed);
  return {
    write: (rows) => writeRows(rows).catch(failed),
    close: async () => {
      try {
        if (format === "json") await file.write(first ? "]\n" : "\n]\n");
      } catch (error) {
        await file.close().catch(() => {});
        return failed(error);
      }
      await file.close().catch(failed);
    },
  };

  async function writeRows(rows: ReportRow[]): Promise<void> {
    if (rows.length === 0) return;
    let text = "";
    for (const row of rows) {
      if (format === "csv") text += `${columns.map((c) => csvCell(row[c])).join(",")}\n`;
      else if (format === "jsonl") text += `${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}\n`;
      else {
        text += `${first ? "\n" : ",\n"}${JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null])))}`;
        first = false;
      }
    }
    await file.write(text);
  }
}

function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // Spreadsheet apps run cells that start with = + - @ as formulas: keep them text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
