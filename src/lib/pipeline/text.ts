/**
 * Values that came from AWS or from the user and are echoed to a terminal: terminal escape
 * sequences, control and bidi characters are removed and long values are cut, so a stage
 * summary or a pipeline name cannot rewrite the screen or hide text.
 */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

export function clean(value: string | undefined, max = 200): string {
  if (value === undefined) return "";
  const text = value.replace(ESCAPES, "").replace(/\r?\n|\t/g, " ").replace(CONTROLS, "");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** 45s, 12m, 3h, 2d: how long ago `since` was, from `now`. */
export function age(since: Date | undefined, now: Date): string {
  if (!since) return "-";
  const seconds = Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

/** A plain left-aligned table; every cell is cleaned. */
export function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => clean(cell, 120)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}

/** Like `clean` but keeps line breaks, and keeps the end (the tail of a log says what failed). */
export function cleanTail(value: string, max: number): string {
  const text = value
    .replace(ESCAPES, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[^\S\n]*\n/g, "\n")
    .replace(CONTROLS_EXCEPT_NEWLINE, "")
    .trim();
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

// eslint-disable-next-line no-control-regex
const CONTROLS_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
