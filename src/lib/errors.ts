import { summarize } from "./redact.js";
import { cap, capLongRuns, sanitizeForTerminal } from "./terminal.js";

/**
 * Errors that carry the contract's exit codes. Anything else that escapes a command is a bug
 * or an unexpected failure and exits 1.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  findings: 3,
  partial: 4,
  interrupted: 130,
} as const;

export class AwsblogError extends Error {
  constructor(
    message: string,
    /** What the user can do about it; printed after an em dash. */
    readonly hint: string | undefined,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, files or input, found before anything was changed (exit 2). */
export class UsageError extends AwsblogError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, hint, ExitCode.usage, options);
  }
}

/** An AWS call failed (exit 1). Names service, operation and the AWS error code. */
export class AwsError extends AwsblogError {
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly code: string,
    detail: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(`${service} ${operation} failed: ${code}${detail ? ` (${detail})` : ""}`, hint, ExitCode.failure, options);
  }
}

/** Any other expected failure (exit 1): network, HTTP errors, a bad state we can explain. */
export class FailureError extends AwsblogError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, hint, ExitCode.failure, options);
  }
}

/**
 * A call that got no answer (or no connection) within its limits, retries included (exit 1).
 * Never retried again on top: that would multiply the wait the limits promise.
 */
export class NoAnswerError extends FailureError {}

/** The user pressed Ctrl-C (exit 130). */
export class InterruptedError extends AwsblogError {
  constructor(message = "interrupted", hint?: string) {
    super(message, hint, ExitCode.interrupted);
  }
}

/** The one-line form of the contract: `awsblog: <what failed> — <what to do>`. */
export function formatError(err: unknown): string {
  if (err instanceof AwsblogError) {
    return `awsblog: ${oneLine(err.message)} — ${oneLine(err.hint ?? defaultHint(err))}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `awsblog: unexpected error: ${oneLine(message)} — rerun with --debug for details`;
}

/**
 * An error's own fields for --debug (name, code, fault, HTTP metadata, message), whatever was
 * thrown or logged: never "[object Object]". Other objects are shown as redacted JSON.
 */
export function describeError(value: unknown): string {
  if (typeof value !== "object" || value === null) return String(value);
  const e = value as Record<string, unknown>;
  const fields: string[] = [];
  for (const key of ["name", "code", "$fault", "message"]) {
    const field = e[key];
    if (typeof field === "string" || typeof field === "number") fields.push(`${key}: ${String(field).split("\n")[0]}`);
  }
  if (e.$metadata !== undefined) fields.push(`$metadata: ${summarize(e.$metadata, 300)}`);
  if (fields.length > 0) return fields.join(", ");
  // The SDK logs failures as { clientName, commandName, input, error, metadata }.
  if (typeof e.error === "object" && e.error !== null) return [e.clientName, e.commandName, describeError(e.error)].filter((p) => typeof p === "string").join(" ");
  return summarize(value);
}

export function exitCodeOf(err: unknown): number {
  return err instanceof AwsblogError ? err.exitCode : ExitCode.failure;
}

/** Every error line says what to do; these cover the throwers that gave no hint. */
function defaultHint(err: AwsblogError): string {
  if (err.exitCode === ExitCode.usage) return "see --help for the command's flags";
  if (err.exitCode === ExitCode.interrupted) return "rerun to finish the rest";
  return "rerun with --debug for details";
}

/** Longest message part shown; values quoted inside are cut well before that. */
const MAX_MESSAGE_CHARS = 1_000;

/**
 * Messages quote values from outside (flag values, file contents, AWS messages): strip
 * terminal control sequences, fold to one line, cut long values and the whole.
 */
function oneLine(text: string): string {
  return cap(capLongRuns(sanitizeForTerminal(text).replace(/\s*\n\s*/g, " ").replace(/\t/g, " ").trim()), MAX_MESSAGE_CHARS);
}
