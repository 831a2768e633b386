import type { HistoryEventView } from "../aws/sfn.js";
import { sanitizeForTerminal } from "../terminal.js";

/**
 * GetExecutionHistory events made readable: each event gets the name of the state it belongs
 * to (AWS names it only on StateEntered/StateExited; the others point at it through
 * previousEventId) and a short detail (error and cause, resource, output…).
 */
export const END_EVENTS = new Set(["ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"]);

/** One JSON Line of `approval tail -o json`. */
export interface EventLine {
  id: number;
  previousEventId: number;
  timestamp: string;
  type: string;
  state: string | null;
  detail: string | null;
  /** The event's `<kind>EventDetails` as AWS returned it. */
  details: Record<string, unknown> | null;
}

/** Remembers each event's state so later events (TaskScheduled, TaskSucceeded…) can be named. */
export class StateNames {
  private readonly seen = new Map<number, { name?: string; type: string }>();

  name(event: HistoryEventView): string | undefined {
    const own = typeof event.details?.name === "string" && /State(Entered|Exited)$/.test(event.type) ? event.details.name : undefined;
    const previous = this.seen.get(event.previousEventId);
    // An event right after a state's exit belongs to the next state (or to the execution).
    const inherited = previous && !/StateExited$/.test(previous.type) ? previous.name : undefined;
    const name = event.type.startsWith("Execution") ? undefined : (own ?? inherited);
    this.seen.set(event.id, { name, type: event.type });
    return name;
  }
}

/** The fields worth a glance, in the order they are tried; the first present one is the detail. */
function detailOf(event: HistoryEventView): string | undefined {
  const d = event.details ?? {};
  const str = (key: string) => (typeof d[key] === "string" && d[key] !== "" ? (d[key] as string) : undefined);
  if (str("error") !== undefined || str("cause") !== undefined) return [str("error"), str("cause")].filter(Boolean).join(": ");
  if (/StateEntered$|StateExited$/.test(event.type)) return undefined;
  if (event.type === "TaskScheduled") return [str("resourceType"), str("resource")].filter(Boolean).join(":");
  if (event.type === "ActivityStarted") return str("workerName") && `worker ${str("workerName")}`;
  if (/^MapIteration/.test(event.type)) return typeof d.index === "number" ? `${str("name") ?? ""}[${d.index}]` : undefined;
  if (event.type === "ExecutionRedriven") return typeof d.redriveCount === "number" ? `redrive ${d.redriveCount}` : undefined;
  return str("output") ?? str("resource") ?? str("input");
}

export function eventLine(event: HistoryEventView, states: StateNames): EventLine {
  return {
    id: event.id,
    previousEventId: event.previousEventId,
    timestamp: event.timestamp.toISOString(),
    type: event.type,
    state: states.name(event) ?? null,
    detail: detailOf(event) ?? null,
    details: event.details ?? null,
  };
}

const TYPE_WIDTH = 26;
const STATE_MAX = 40;
const DETAIL_MAX = 160;

/** `2026-12-06T10:41:06.697Z  ExecutionFailed            -  Rejected: no budget` — one line, terminal-safe. */
export function eventText(line: EventLine): string {
  const type = sanitizeForTerminal(line.type, { max: 60, oneLine: true });
  const state = sanitizeForTerminal(line.state ?? "-", { max: STATE_MAX, oneLine: true });
  const detail = line.detail ? `  ${sanitizeForTerminal(line.detail, { max: DETAIL_MAX, oneLine: true })}` : "";
  return `${line.timestamp}  ${type.padEnd(TYPE_WIDTH)} ${state}${detail}`;
}
