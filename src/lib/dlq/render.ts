import { fitColumns, type FitStep, type FittedColumns } from "../table.js";
import { cap, sanitizeForTerminal } from "../terminal.js";
import { FAILURE_CLASSES, type FailureClass } from "./classify.js";
import type { InspectedMessage } from "./records.js";
import type { RedriveReport } from "./redrive.js";

/**
 * Text renderings for humans; JSON output is the data itself. Everything that came from the
 * queue, a file or the logs (ids, error messages, log lines) is passed through
 * `sanitizeForTerminal` first: anyone who can send to a DLQ could otherwise move the cursor,
 * clear the screen or retitle the terminal of whoever inspects it.
 */
export interface Styles {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
}

const PLAIN: Styles = { bold: (s) => s, dim: (s) => s, red: (s) => s, yellow: (s) => s };

const ADVICE: Record<FailureClass, string> = {
  timeout: "raise the timeout or split the work before redriving",
  crash: "check memory (REPORT lines) before redriving",
  misconfig: "fix the deployment, then redrive all of them",
  "handler-error": "read the errors and logs; redrive once fixed",
  unknown: "not Lambda failure records; look at the bodies",
};

/**
 * On a terminal (`width`) the ERROR column takes what the others leave; when that is under 30
 * characters each error goes on its own indented line below its message instead.
 */
export function renderInspect(
  messages: InspectedMessage[],
  summary: Record<FailureClass, number>,
  header: string,
  styles: Styles = PLAIN,
  width?: number,
): string {
  const lines = [styles.bold(sanitizeForTerminal(header))];
  if (messages.length === 0) return lines.join("\n");
  lines.push("");
  for (const c of FAILURE_CLASSES) {
    if (summary[c] > 0) lines.push(`  ${c.padEnd(14)}${String(summary[c]).padStart(5)}  ${styles.dim(ADVICE[c])}`);
  }
  lines.push("");
  const rows = messages.map((m) => [
    m.class,
    m.sentAt ? m.sentAt.replace("T", " ").replace(/\.\d+Z$/, "Z") : "-",
    m.receiveCount === null ? "-" : String(m.receiveCount),
    m.requestId ?? "-",
    oneLine(shortError(m.errorMessage ?? "", m.requestId), 70),
  ]);
  const headers = ["CLASS", "SENT AT", "RECV", "REQUEST ID", "ERROR"];
  const fitted = table(headers, rows, styles, width, [{ shrink: 4, min: 30 }]);
  if (fitted.fits) lines.push(...fitted.lines);
  else {
    // Stacked: the row without ERROR, then the error indented below it, cut to the width.
    const narrow = table(headers.slice(0, 4), rows.map((row) => row.slice(0, 4)), styles, width);
    lines.push(narrow.lines[0]!);
    rows.forEach((row, i) => lines.push(narrow.lines[i + 1]!, `    ${cap(row[4]!, Math.max(10, (width ?? 80) - 4))}`));
  }
  for (const m of messages) {
    if (!m.logs) continue;
    lines.push("", styles.bold(`logs for ${sanitizeForTerminal(m.requestId ?? m.messageId ?? "?")} (${m.logs.length} lines)`));
    for (const line of m.logs) lines.push(`  ${sanitizeForTerminal(line)}`);
  }
  return lines.join("\n");
}

export function renderRedrive(report: RedriveReport, mode: { dryRun: boolean; keep?: boolean }, target: string, styles: Styles = PLAIN, width?: number): string {
  const { dryRun, keep } = mode;
  const classes = Object.entries(report.byClass)
    .map(([c, n]) => `${c} ${n}`)
    .join(", ");
  const lines = dryRun
    ? [`dry run: would move ${report.planned} message(s) to ${target}${classes ? ` (${classes})` : ""}; skipped ${report.skipped}`]
    : keep
      ? [`copied ${report.moved} message(s) to ${target}${classes ? ` (${classes})` : ""}, the DLQ keeps them; failed ${report.failed}; skipped ${report.skipped}`]
      : [`moved ${report.moved} message(s) to ${target}${classes ? ` (${classes})` : ""}; failed ${report.failed}; skipped ${report.skipped}`];
  if (report.stoppedBy) lines.push(styles.yellow(`stopped early: ${sanitizeForTerminal(report.stoppedBy)}`));
  if (report.failures.length > 0) {
    lines.push("");
    lines.push(
      ...table(
        ["MESSAGE ID", "CLASS", "STAGE", "CODE", "ERROR"],
        report.failures.map((f) => [f.messageId, f.class, f.stage, f.code, oneLine(f.error, 60)]),
        styles,
        width,
        [{ shrink: 4, min: 20 }],
      ).lines,
    );
  }
  return lines.join("\n");
}

function table(headers: string[], unsafeRows: string[][], styles: Styles, width?: number, steps: FitStep[] = []): FittedColumns {
  // Sanitized before measuring, so the columns line up with what the terminal shows.
  const rows = unsafeRows.map((row) => row.map((cell) => oneLine(cell)));
  const fitted = fitColumns([headers, ...rows], { width, steps });
  return { ...fitted, lines: [styles.dim(fitted.lines[0]!), ...fitted.lines.slice(1)] };
}

/** Lambda prefixes some errors with a timestamp and the request id; the table already shows both. */
function shortError(message: string, requestId: string | null): string {
  let text = message.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s+/, "");
  if (requestId) {
    text = text.replace(`RequestId: ${requestId} `, "");
    if (text.startsWith(requestId)) text = text.slice(requestId.length).trimStart();
  }
  return text;
}

/** Sanitized, whitespace (newlines too) collapsed to one space, at most `max` characters. */
function oneLine(text: string, max?: number): string {
  return sanitizeForTerminal(text.replace(/\s+/g, " "), { max, oneLine: true });
}

/** One `dlq tail` line: sent-at, class, receive count, request id, the error on one line. */
export function renderTailLine(m: InspectedMessage, styles: Styles = PLAIN, width?: number): string {
  const sent = m.sentAt ? m.sentAt.replace("T", " ").replace(/\.\d+Z$/, "Z") : "-";
  const head = `${sent}  ${m.class.padEnd(13)}  ${m.receiveCount ?? "-"}  ${oneLine(m.requestId ?? m.messageId ?? "-", 64)}  `;
  const room = width ? Math.max(10, width - head.length) : 200;
  return `${head.replace(m.class, styles.bold(m.class))}${oneLine(shortError(m.errorMessage ?? "", m.requestId), room)}`;
}
