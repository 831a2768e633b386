import type { LogEvent, LogsApi } from "../aws/logs.js";

/**
 * `inspect --logs`: find each failed request's lines in /aws/lambda/<function>.
 *
 * Lambda puts the request id on its START/END/REPORT lines, on timeout and crash lines, and
 * (Node.js, Java, and every runtime using the JSON log format) on each console line. Instead
 * of one FilterLogEvents call per message, messages sent close together share one query:
 * the pattern `?"id1" ?"id2" …` matches any of up to 20 ids, the time window spans their
 * sentAt values, and the events are routed back to messages by id. Retries of an async
 * invocation keep its request id, so the window reaches back `before` (default 60 min: three
 * attempts of a 15-minute function plus Lambda's retry delays) and `after` a few minutes.
 */
export interface LogWanted {
  requestId: string;
  /** ISO time the DLQ message was sent (≈ the last attempt's end); null → now. */
  sentAt: string | null;
}

export interface LogQuery {
  requestIds: string[];
  startTime: number;
  endTime: number;
  filterPattern: string;
}

export interface LogPlanOptions {
  beforeMs: number;
  afterMs: number;
  /** Ids per query; the pattern stays well under FilterLogEvents' 1,024-character limit. */
  idsPerQuery?: number;
  /** Messages further apart than this get separate queries (no scanning a whole day). */
  maxSpanMs?: number;
  now: number;
}

const SAFE_ID = /^[A-Za-z0-9-]{1,64}$/;

export function planLogQueries(wanted: LogWanted[], options: LogPlanOptions): LogQuery[] {
  const idsPerQuery = options.idsPerQuery ?? 20;
  const maxSpanMs = options.maxSpanMs ?? 60 * 60_000;
  const anchors = new Map<string, number>();
  for (const w of wanted) {
    if (!SAFE_ID.test(w.requestId)) continue; // never splice odd text into a filter pattern
    const t = w.sentAt ? Date.parse(w.sentAt) : Number.NaN;
    const at = Number.isFinite(t) ? t : options.now;
    anchors.set(w.requestId, Math.max(anchors.get(w.requestId) ?? at, at));
  }
  const sorted = [...anchors.entries()].sort((a, b) => a[1] - b[1]);
  const queries: LogQuery[] = [];
  let group: [string, number][] = [];
  const flush = () => {
    if (group.length === 0) return;
    const ids = group.map(([id]) => id);
    queries.push({
      requestIds: ids,
      startTime: (group[0] as [string, number])[1] - options.beforeMs,
      endTime: (group[group.length - 1] as [string, number])[1] + options.afterMs,
      filterPattern: ids.length === 1 ? `"${ids[0]}"` : ids.map((id) => `?"${id}"`).join(" "),
    });
    group = [];
  };
  for (const entry of sorted) {
    const first = group[0];
    if (first && (group.length >= idsPerQuery || entry[1] - first[1] > maxSpanMs)) flush();
    group.push(entry);
  }
  flush();
  return queries;
}

export interface FetchLogsOptions {
  logGroupName: string;
  /** Pages per query; FilterLogEvents may return empty pages while it scans. */
  maxPages?: number;
  maxLinesPerRequest?: number;
  signal?: AbortSignal;
}

export interface FetchedLogs {
  lines: Map<string, string[]>;
  /** True when a page or line cap cut a result short. */
  truncated: boolean;
}

export async function fetchLogs(logs: LogsApi, queries: LogQuery[], options: FetchLogsOptions): Promise<FetchedLogs> {
  const maxPages = options.maxPages ?? 20;
  const maxLines = options.maxLinesPerRequest ?? 200;
  const found = new Map<string, LogEvent[]>();
  let truncated = false;
  // One query at a time: FilterLogEvents allows 5 requests/s per account and region.
  for (const query of queries) {
    let nextToken: string | undefined;
    let pages = 0;
    do {
      if (options.signal?.aborted) return { lines: toLines(found), truncated: true };
      const page = await logs.filterLogEventsPage(
        { logGroupName: options.logGroupName, startTime: query.startTime, endTime: query.endTime, filterPattern: query.filterPattern, nextToken },
        options.signal,
      );
      for (const event of page.events) routeEvent(event, query.requestIds, found, maxLines, () => (truncated = true));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken && pages < maxPages);
    if (nextToken) truncated = true;
  }
  return { lines: toLines(found), truncated };
}

/** The server-side pattern is a pre-filter; this check decides which request a line belongs to. */
function routeEvent(event: LogEvent, ids: string[], found: Map<string, LogEvent[]>, maxLines: number, cut: () => void) {
  for (const id of ids) {
    if (!event.message.includes(id)) continue;
    const list = found.get(id) ?? [];
    if (list.length >= maxLines) cut();
    else list.push(event);
    found.set(id, list);
  }
}

function toLines(found: Map<string, LogEvent[]>): Map<string, string[]> {
  const lines = new Map<string, string[]>();
  for (const [id, events] of found) {
    lines.set(id, [...events].sort((a, b) => a.timestamp - b.timestamp).map((e) => e.message.replace(/\s+$/, "")));
  }
  return lines;
}
