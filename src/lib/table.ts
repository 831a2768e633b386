import { cap, ELLIPSIS, sanitizeForTerminal } from "./terminal.js";

/**
 * Aligned columns, for the text renderings and `--output table`. With a width (stdout is a
 * terminal) a table too wide for it is fitted by the caller's steps, least important column
 * first: shrink a column (its cells end in "…") or drop it. Without a width (a file or a pipe)
 * nothing is cut. Columns no step names (ids, ARNs) are never cut: a table that still does not
 * fit overflows rather than show half an identifier.
 */
export type FitStep = { shrink: number; min?: number } | { drop: number };

export interface ColumnOptions {
  /** The terminal's width; undefined = not a terminal, keep every cell whole. */
  width?: number;
  steps?: FitStep[];
}

export interface FittedColumns {
  /** The header (first row) and data lines, no trailing spaces. */
  lines: string[];
  /** False when the steps ran out and the table is still wider than `width`. */
  fits: boolean;
  /** Headers of the columns a drop step left out (say so: -o json still has them). */
  dropped: string[];
}

const GAP = 2;
const DEFAULT_MIN = 10;

export function fitColumns(rows: string[][], options: ColumnOptions = {}): FittedColumns {
  const count = Math.max(0, ...rows.map((row) => row.length));
  const natural = Array.from({ length: count }, (_, col) => Math.max(0, ...rows.map((row) => length(row[col] ?? ""))));
  const widths = [...natural];
  const kept = natural.map(() => true);
  const total = () => widths.reduce((sum, w, col) => sum + (kept[col] ? w : 0), 0) + GAP * Math.max(0, kept.filter(Boolean).length - 1);
  const { width } = options;
  if (width !== undefined) {
    for (const step of options.steps ?? []) {
      if (total() <= width) break;
      if ("drop" in step) kept[step.drop] = false;
      else if (kept[step.shrink]) {
        // An explicit min may cut the header too; the default keeps it whole.
        const min = Math.min(natural[step.shrink]!, step.min ?? Math.max(DEFAULT_MIN, length(rows[0]?.[step.shrink] ?? "")));
        widths[step.shrink] = Math.max(min, widths[step.shrink]! - (total() - width));
      }
    }
  }
  const columns = widths.map((_, col) => col).filter((col) => kept[col]);
  const last = columns[columns.length - 1];
  const lines = rows.map((row) =>
    columns
      .map((col) => {
        const text = cap(row[col] ?? "", widths[col]!);
        return col === last ? text : pad(text, widths[col]!);
      })
      .join(" ".repeat(GAP))
      .trimEnd(),
  );
  const dropped = kept.flatMap((keep, col) => (keep ? [] : [rows[0]?.[col] ?? ""]));
  return { lines, fits: width === undefined || total() <= width, dropped };
}

/** Code points, which is what a terminal shows for the text we print (no wide-glyph tables). */
function length(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - length(text)));
}

/**
 * `--output table`: a plain aligned table for what reads well as one — an array of objects,
 * an array of scalars, an object of scalars, or an object whose fields are those (one section
 * each). Anything else returns undefined and the caller falls back to YAML. On a terminal
 * (`width`) the widest columns that are not identifiers are shrunk first.
 */
type Row = Record<string, unknown>;

export function renderTable(value: unknown, width?: number): string | undefined {
  if (isTabular(value)) return grid(value, width);
  if (!isObject(value)) return undefined;
  const sections: string[] = [];
  const scalars = Object.entries(value).filter(([, item]) => isScalar(item));
  if (scalars.length > 0) sections.push(keyValue(scalars, width));
  for (const [key, item] of Object.entries(value)) {
    if (isScalar(item)) continue;
    if (isTabular(item)) sections.push(`${sanitizeForTerminal(key)}:\n${grid(item, width)}`);
    else if (isObject(item) && Object.values(item).every(isScalar)) sections.push(`${sanitizeForTerminal(key)}:\n${keyValue(Object.entries(item), width)}`);
    else return undefined;
  }
  return sections.length > 0 ? sections.join("\n") : undefined;
}

function isTabular(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && (value.every(isObject) || value.every(isScalar));
}

function grid(items: unknown[], width?: number): string {
  if (items.every(isScalar)) return items.map((item) => `${cell(item)}\n`).join("");
  const rows = items as Row[];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return render([columns.map((column) => sanitizeForTerminal(column)), ...rows.map((row) => columns.map((column) => cell(row[column])))], width);
}

function keyValue(entries: [string, unknown][], width?: number): string {
  return render(
    entries.map(([key, item]) => [sanitizeForTerminal(key), cell(item)]),
    width,
    false,
  );
}

/** Shrinks the widest non-identifier columns first, each to at least 6 characters (headers too). */
function render(rows: string[][], width: number | undefined, header = true): string {
  const body = header ? rows.slice(1) : rows;
  const count = rows[0]?.length ?? 0;
  const candidates = Array.from({ length: count }, (_, col) => col)
    .filter((col) => !(body.every((row) => row[col] === "-" || isIdentifier(row[col] ?? "")) && body.some((row) => isIdentifier(row[col] ?? ""))))
    .sort((a, b) => Math.max(...rows.map((r) => length(r[b] ?? ""))) - Math.max(...rows.map((r) => length(r[a] ?? ""))));
  const steps: FitStep[] = candidates.map((col) => ({ shrink: col, min: 6 }));
  return fitColumns(rows, { width, steps }).lines.map((line) => `${line}\n`).join("");
}

/**
 * Values whose every character matters: ARNs, AWS resource ids (i-0abc…, vpc-…), UUIDs,
 * account ids, URLs, timestamps. A column of those (and "-" for missing ones) is never cut.
 */
function isIdentifier(text: string): boolean {
  if (/\s/.test(text) || text.includes(ELLIPSIS)) return false;
  return /^arn:|^[a-z][a-z0-9]*-[0-9a-f]{6,}$|^[0-9a-f]{8}-[0-9a-f]{4}-|^\d{12}$|^[a-z]+:\/\/|^\d{4}-\d\d-\d\dT/i.test(text);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "-";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return sanitizeForTerminal(text.replace(/\s+/g, " "), { oneLine: true });
}

function isObject(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}
