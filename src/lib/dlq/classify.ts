/**
 * Sorting a Lambda failure into the classes an operator acts on differently:
 * - timeout: the function ran out of time (split the work, raise the timeout);
 * - crash: the runtime died (out of memory, process/runtime exited) — a replay will likely
 *   crash again until memory or code changes;
 * - misconfig: the code could not even load (missing module, wrong handler) — fix the
 *   deployment, then redrive everything;
 * - handler-error: the handler threw — look at the message and the logs;
 * - unknown: not a Lambda failure record at all (no error information).
 */
export const FAILURE_CLASSES = ["timeout", "crash", "misconfig", "handler-error", "unknown"] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export interface Classification {
  class: FailureClass;
  /** From "Task timed out after N seconds"; the function's configured timeout. */
  timeoutSeconds?: number;
}

export interface FailureInfo {
  errorMessage?: string;
  errorCode?: string;
  /** errorType from an on-failure destination's responsePayload (e.g. Runtime.ImportModuleError). */
  errorType?: string;
}

const TIMEOUT = /Task timed out after\s+(\d+(?:\.\d+)?)\s+seconds/i;

const MISCONFIG: RegExp[] = [
  /Cannot find module/i,
  /Unable to import module/i,
  /No module named/i,
  /Runtime\.ImportModuleError/,
  /Runtime\.HandlerNotFound/,
  /Runtime\.InvalidEntrypoint/,
  /Runtime\.UserCodeSyntaxError/,
  /Handler '.*' missing on module/i,
  /is undefined or not exported/i,
  /Bad handler/i,
];

const CRASH: RegExp[] = [
  /Process exited before completing request/i,
  /Runtime exited/i,
  /Runtime\.ExitError/,
  /Runtime\.OutOfMemory/,
  /out of memory/i,
  /heap out of memory/i,
  /\bMemoryError\b/,
  /java\.lang\.OutOfMemoryError/,
  /signal: killed/i,
];

const ERROR_TYPE_CLASS: Record<string, FailureClass> = {
  "Sandbox.Timedout": "timeout",
  "Runtime.ExitError": "crash",
  "Runtime.OutOfMemory": "crash",
  "Runtime.ImportModuleError": "misconfig",
  "Runtime.HandlerNotFound": "misconfig",
  "Runtime.InvalidEntrypoint": "misconfig",
  "Runtime.UserCodeSyntaxError": "misconfig",
};

export function classifyFailure(info: FailureInfo): Classification {
  const message = info.errorMessage ?? "";
  const timeout = TIMEOUT.exec(message);
  if (timeout) return { class: "timeout", timeoutSeconds: Number(timeout[1]) };
  const byType = info.errorType ? ERROR_TYPE_CLASS[info.errorType] : undefined;
  if (byType) return { class: byType };
  if (MISCONFIG.some((re) => re.test(message))) return { class: "misconfig" };
  if (CRASH.some((re) => re.test(message))) return { class: "crash" };
  if (message.trim() !== "" || info.errorType) return { class: "handler-error" };
  return { class: "unknown" };
}

/** Parses `--class` values, refusing unknown names before anything is read. */
export function isFailureClass(value: string): value is FailureClass {
  return (FAILURE_CLASSES as readonly string[]).includes(value);
}

export function emptySummary(): Record<FailureClass, number> {
  return { timeout: 0, crash: 0, misconfig: 0, "handler-error": 0, unknown: 0 };
}

export function summarize(classes: Iterable<FailureClass>): Record<FailureClass, number> {
  const summary = emptySummary();
  for (const c of classes) summary[c] += 1;
  return summary;
}
