import { formatError } from "../lib/errors.js";
import { createOutput } from "../lib/output.js";
import { runFanOutPhase, type FanOutEvent } from "../lib/tags/fan-out.js";
import { runScheduledEvent, type ScheduledEvent } from "../lib/tags/scheduled-run.js";

/**
 * The Lambda entry point `awsblog tags schedule` deploys (bundled into one file at
 * `npm run build`): a thin adapter over the functions `awsblog tags scan|enforce` run, so a
 * scheduled run returns the same document as `-o json`. Under `--fan-out` the state machine
 * calls it with a `phase` (accounts, account, summary; lib/tags/fan-out.ts). Progress and
 * warnings go to the function's log.
 */
export async function handler(event: ScheduledEvent | FanOutEvent): Promise<unknown> {
  const host = { env: process.env, stderr: process.stderr };
  try {
    return event && "phase" in event ? await runFanOutPhase(event, host) : await runScheduledEvent(event, host);
  } catch (error) {
    // One clear line in the log, and the invocation fails (EventBridge/CloudWatch see it).
    const line = formatError(error);
    createOutput({ format: "json", quiet: false, color: false, debug: false, stdout: process.stdout, stderr: process.stderr, env: {} }).error(line);
    throw new Error(line, { cause: error });
  }
}
