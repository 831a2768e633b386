import { sanitizeForTerminal } from "./terminal.js";

/**
 * `--output table`: a plain aligned table for what reads well as one — an array of objects,
 * an array of scalars, an object of scalars, or an object whose fields are those (one section
 * each). Anything else returns undefined and the caller falls back to YAML.
 */
const MAX_CELL = 80;

type Row = Record<string, unknown>;

export function renderTable(value: unknown): string | undefined {
  if (isTabular(value)) return grid(value);
  if (!isObject(value)) return undefined;
  const sections: string[] = [];
  const scalars = Object.entries(value).filter(([, item]) => isScalar(item));
  if (scalars.length > 0) sections.push(keyValue(scalars));
  for (const [key, item] of Object.entries(value)) {
    if (isScalar(item)) continue;
    if (isTabular(item)) sections.push(`${sanitizeForTerminal(key)}:\n${grid(item)}`);
    else if (isObject(item) && Object.values(item).every(isScalar)) sections.push(`${sanitizeForTerminal(key)}:\n${keyValue(Object.entries(item))}`);
    else return undefined;
  }
  return sections.length > 0 ? sections.join("\n") : undefined;
}

function isTabular(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && (value.every(isObject) || value.every(isScalar));
}

function grid(items: unknown[]): string {
  if (items.every(isScalar)) return items.map((item) => `${cell(item)}\n`).join("");
  const rows = items as Row[];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return align([columns.map((column) => sanitizeForTerminal(column)), ...rows.map((row) => columns.map((column) => cell(row[column])))]);
}

function keyValue(entries: [string, unknown][]): string {
  return align(entries.map(([key, item]) => [sanitizeForTerminal(key), cell(item)]));
}

function align(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((text, i) => (widths[i] = Math.max(widths[i] ?? 0, [...text].length)));
  // padEnd counts UTF-16 units; widths are in code points.
  const pad = (text: string, width: number) => text.padEnd(width + text.length - [...text].length);
  return rows.map((row) => `${row.map((text, i) => (i === row.length - 1 ? text : pad(text, widths[i]!))).join("  ")}\n`).join("");
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "-";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return sanitizeForTerminal(text.replace(/\s+/g, " "), { max: MAX_CELL, oneLine: true });
}


function isObject(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}
