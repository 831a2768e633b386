import { sanitizeForTerminal } from "../terminal.js";

/** 45s, 12m, 3h, 2d: how long ago `since` was, from `now`. */
export function age(since: Date | undefined, now: Date): string {
  if (!since) return "-";
  const seconds = Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

/** A plain left-aligned table; every cell is made safe for a terminal and one line. */
export function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => sanitizeForTerminal(cell, { max: 120, oneLine: true })));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}
