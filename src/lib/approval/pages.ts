import { escapeHtml, htmlDocument } from "./html.js";

/** The pages `approval serve` shows. Every value that came from a request is escaped. */
export type Decision = "approve" | "reject";

export interface Page {
  status: number;
  html: string;
  /** text/html unless set. */
  contentType?: string;
}

const VERB: Record<Decision, { title: string; button: string; route: string; other: string; otherRoute: string }> = {
  approve: { title: "Approve this request?", button: "Approve", route: "succeed", other: "Reject instead", otherRoute: "fail" },
  reject: { title: "Reject this request?", button: "Reject", route: "fail", other: "Approve instead", otherRoute: "succeed" },
};

/**
 * What a GET shows: the decision, a short form of the token, and a form that POSTs it. Mail
 * scanners and link previews fetch GET links, so this page decides nothing by itself.
 */
export function confirmationPage(decision: Decision, token: string): Page {
  const verb = VERB[decision];
  const shown = token.length > 24 ? `${token.slice(0, 10)}…${token.slice(-8)}` : token;
  const reason =
    decision === "reject"
      ? `<p><label for="reason">Reason (optional, sent as the failure cause)</label><br><textarea id="reason" name="reason" maxlength="32768"></textarea></p>`
      : "";
  const body = `<h1>${escapeHtml(verb.title)}</h1>
<p>Nothing has been decided yet: opening this page changes nothing. Press <strong>${verb.button}</strong> to send your decision to AWS Step Functions.</p>
<p>Task token <code>${escapeHtml(shown)}</code> (${token.length} characters)</p>
<form method="post" action="${verb.route}">
<input type="hidden" name="taskToken" value="${escapeHtml(token)}">
${reason}
<button class="${decision}" type="submit">${verb.button}</button>
</form>
<p><a href="${verb.otherRoute}?taskToken=${escapeHtml(encodeURIComponent(token))}">${verb.other}</a></p>`;
  return { status: 200, html: htmlDocument(verb.title, body) };
}

export function decidedPage(decision: Decision, error?: string): Page {
  const html =
    decision === "approve"
      ? htmlDocument("Approved", "<h1>Approved</h1><p>Step Functions accepted your approval; the workflow continues.</p>")
      : htmlDocument(
          "Rejected",
          `<h1>Rejected</h1><p>Step Functions accepted your rejection; the task failed with error <code>${escapeHtml(error ?? "")}</code>.</p>`,
        );
  return { status: 200, html };
}

/** The outcome when Step Functions refused the token: decided, expired or foreign. */
export function staleTokenPage(code: string): Page {
  const why =
    code === "TaskTimedOut"
      ? "The time to decide this request ran out before your answer arrived."
      : "This request was already decided, or it expired, or the link belongs to another AWS account or region.";
  return {
    status: 409,
    html: htmlDocument(
      "Already decided or expired",
      `<h1>Already decided or expired</h1><p>${escapeHtml(why)}</p><p>Nothing was changed (<code>${escapeHtml(code)}</code>).</p>`,
    ),
  };
}

export function messagePage(status: number, title: string, message: string): Page {
  return { status, html: htmlDocument(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`) };
}
