import type { ApprovalLinks } from "./links.js";
import { cap, ONE_LINE, sanitizeForTerminal } from "../terminal.js";
import { escapeHtml } from "./html.js";

/** Why a task's approval mail could not even be attempted (its input is unusable). */
export class UndeliverableTaskError extends Error {}

const EMAIL = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+\.[^\s@<>,;:"()[\]\\]+$/;

/** The approver's address from the task input's field (the post: `managerEmailAddress`). */
export function recipientOf(input: unknown, field: string): string {
  const value = isRecord(input) ? input[field] : undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new UndeliverableTaskError(`the task input has no "${field}" field with an email address`);
  }
  const address = value.trim();
  // Also keeps header-breaking characters (CR/LF, commas) out of the SES request.
  if (address.length > 254 || !EMAIL.test(address)) {
    throw new UndeliverableTaskError(`the task input's "${field}" is not a single email address`);
  }
  return address;
}

export interface ApprovalEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The mail the approver gets: who or what is being decided (the input's scalar fields) and
 * the two links. Every input value is escaped in the HTML part: the input is data from
 * whoever started the execution.
 */
export function approvalEmail(input: unknown, links: ApprovalLinks): ApprovalEmail {
  const fields = summaryFields(input);
  // Input values go into a header (Subject) and text lines: one line each, no control characters.
  const found = isRecord(input) ? firstString(input, ["employeeName", "name", "title"]) : undefined;
  const who = found === undefined ? undefined : sanitizeForTerminal(found, ONE_LINE) || undefined;
  const subject = sanitizeForTerminal(who ? `Your approval is needed: ${who}` : "Your approval is needed", { max: 200, oneLine: true });
  const intro = who ? `${who} is waiting for your decision.` : "A workflow is waiting for your decision.";
  const note = "Opening a link shows a confirmation page; nothing is decided until you press its button.";

  const text = [
    "Hi,",
    "",
    intro,
    ...(fields.length ? ["", ...fields.map(([k, v]) => `  ${k}: ${v}`)] : []),
    "",
    `Approve: ${links.approveUrl}`,
    `Reject:  ${links.rejectUrl}`,
    "",
    note,
    "",
  ].join("\n");

  const rows = fields.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join("");
  const html = [
    "<p>Hi,</p>",
    `<p>${escapeHtml(intro)}</p>`,
    rows ? `<table>${rows}</table>` : "",
    `<p><a href="${escapeHtml(links.approveUrl)}">Approve</a> &nbsp;·&nbsp; <a href="${escapeHtml(links.rejectUrl)}">Reject</a></p>`,
    `<p style="color:#666">${escapeHtml(note)}</p>`,
  ].join("\n");
  return { subject, text, html };
}

/** Top-level scalar fields of the input, shortened, at most 20. */
function summaryFields(input: unknown): Array<[string, string]> {
  if (!isRecord(input)) return input === undefined || input === null ? [] : [["input", cap(JSON.stringify(input), 200)]];
  return Object.entries(input)
    .filter(([, v]) => ["string", "number", "boolean"].includes(typeof v))
    .slice(0, 20)
    .map(([k, v]) => [sanitizeForTerminal(k, { max: 80, oneLine: true }), sanitizeForTerminal(String(v), ONE_LINE)]);
}

function firstString(record: Record<string, unknown>, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === "string" && value.trim()) return value.trim();
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
