/**
 * The Lambda runtimes awsblog knows, with the dates AWS blocks them: the one place `deploy`,
 * `package` and `tags schedule` read a runtime from. Every decision is judged by the
 * command's clock (ctx.now), so the default moves on by itself when a date passes and tests
 * pin it.
 *
 * Lambda retires a runtime in three steps: deprecation (no more patches, no support), then
 * "block function create" (CreateFunction, and switching a function to it, fail with
 * InvalidParameterValueException), then "block function update" (UpdateFunctionCode and
 * UpdateFunctionConfiguration fail too). Invocations keep working.
 *
 * Sources (looked up 2026-12-06):
 * - AWS "Lambda runtimes" page, docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html,
 *   as quoted on 2026-04-01: nodejs22.x 2027-04-30 / 2027-06-01 / 2027-07-01; nodejs20.x
 *   deprecated 2026-04-30, create blocked 2026-08-31 (update blocked 2026-09-30).
 * - endoflife.date/aws-lambda (phase dates copied from the same AWS page): nodejs24.x
 *   2028-04-30 … 2028-07-01, ruby3.4 2028-03-31 … 2028-05-31, python3.13/3.14 2029-06-30 …
 *   2029-08-31, and release dates.
 * - tflint-ruleset-aws's deprecated-runtime rule (cites the AWS page): deprecation dates of
 *   python3.9-3.12, ruby3.2/3.3, provided.al2/al2023, go1.x, provided, nodejs14.x-18.x.
 * - AWS re:Post / CDK discussion #29108: nodejs14.x create blocked 2024-01-09, update
 *   2024-02-08. AWS notices for nodejs16.x/18.x: create blocked October 2025, update
 *   2025-11-01.
 * Block dates no source confirmed are marked "assumed": AWS's usual one and two months
 * after deprecation. Correct them here when AWS's page says otherwise; nothing else changes.
 */
export type RuntimeFamily = "nodejs" | "python" | "ruby" | "provided" | "go";

export interface LambdaRuntime {
  id: string;
  family: RuntimeFamily;
  /** Amazon Linux release of the execution environment. */
  os: "al2023" | "al2" | "al1";
  /** ISO dates (UTC, the day it takes effect). */
  released: string;
  deprecated: string;
  blockCreate: string;
  blockUpdate: string;
}

const rt = (id: string, family: RuntimeFamily, os: LambdaRuntime["os"], released: string, deprecated: string, blockCreate: string, blockUpdate: string): LambdaRuntime => ({ id, family, os, released, deprecated, blockCreate, blockUpdate });

export const LAMBDA_RUNTIMES: readonly LambdaRuntime[] = [
  rt("nodejs24.x", "nodejs", "al2023", "2025-11-25", "2028-04-30", "2028-06-01", "2028-07-01"),
  rt("nodejs22.x", "nodejs", "al2023", "2024-11-22", "2027-04-30", "2027-06-01", "2027-07-01"),
  rt("nodejs20.x", "nodejs", "al2023", "2023-11-15", "2026-04-30", "2026-08-31", "2026-09-30"),
  rt("nodejs18.x", "nodejs", "al2", "2022-11-18", "2025-09-01", "2025-10-01", "2025-11-01"),
  rt("nodejs16.x", "nodejs", "al2", "2022-05-12", "2024-06-12", "2025-10-01", "2025-11-01"),
  rt("nodejs14.x", "nodejs", "al2", "2021-02-03", "2023-12-04", "2024-01-09", "2024-02-08"),
  rt("provided.al2023", "provided", "al2023", "2023-11-10", "2029-06-30", "2029-07-31", "2029-08-31"),
  rt("provided.al2", "provided", "al2", "2020-08-12", "2026-06-30", "2026-07-31", "2026-08-31"),
  rt("provided", "provided", "al1", "2018-11-29", "2024-01-08", "2024-02-08", "2024-03-12"),
  rt("go1.x", "go", "al1", "2018-01-15", "2024-01-08", "2024-02-08", "2024-03-12"),
  rt("ruby3.4", "ruby", "al2023", "2025-03-27", "2028-03-31", "2028-04-30", "2028-05-31"),
  rt("ruby3.3", "ruby", "al2023", "2024-04-04", "2027-03-31", "2027-04-30", "2027-05-31"), // blocks assumed
  rt("ruby3.2", "ruby", "al2", "2023-06-07", "2026-03-31", "2026-04-30", "2026-05-31"), // blocks assumed
  rt("python3.14", "python", "al2023", "2025-11-18", "2029-06-30", "2029-07-31", "2029-08-31"),
  rt("python3.13", "python", "al2023", "2024-11-14", "2029-06-30", "2029-07-31", "2029-08-31"),
  rt("python3.12", "python", "al2023", "2023-12-14", "2028-10-31", "2028-11-30", "2029-01-10"),
  rt("python3.11", "python", "al2", "2023-07-27", "2026-06-30", "2026-07-31", "2026-08-31"),
  rt("python3.10", "python", "al2", "2023-04-18", "2026-06-30", "2026-07-31", "2026-08-31"),
  rt("python3.9", "python", "al2", "2021-08-16", "2025-12-15", "2026-01-15", "2026-02-15"), // blocks assumed
];

export type RuntimePhase = "unreleased" | "supported" | "deprecated" | "create-blocked" | "update-blocked";

export function findRuntime(id: string): LambdaRuntime | undefined {
  return LAMBDA_RUNTIMES.find((runtime) => runtime.id === id);
}

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** Where a runtime stands at `now`. */
export function runtimePhase(runtime: LambdaRuntime, now: Date): RuntimePhase {
  const t = now.getTime();
  if (t < day(runtime.released)) return "unreleased";
  if (t >= day(runtime.blockUpdate)) return "update-blocked";
  if (t >= day(runtime.blockCreate)) return "create-blocked";
  if (t >= day(runtime.deprecated)) return "deprecated";
  return "supported";
}

/** The newest runtime of a family Lambda supports (released, not deprecated) at `now`. */
export function newestRuntime(family: RuntimeFamily, now: Date): LambdaRuntime | undefined {
  return LAMBDA_RUNTIMES.filter((runtime) => runtime.family === family && runtimePhase(runtime, now) === "supported").sort((a, b) => day(b.released) - day(a.released))[0];
}

/** The Node.js runtime new functions get: the newest one Lambda supports today. */
export function defaultNodeRuntime(now: Date): string {
  // Every Node.js runtime in the table deprecated means the table is out of date: take the newest anyway.
  return (newestRuntime("nodejs", now) ?? LAMBDA_RUNTIMES.find((runtime) => runtime.family === "nodejs")!).id;
}

/** What to move a function on `id` to: the newest supported runtime that runs the same code. */
export function successorOf(id: string, now: Date): string | undefined {
  const runtime = findRuntime(id);
  if (!runtime) return undefined;
  // go1.x and the AL1 custom runtime continue as an OS-only runtime with a bootstrap.
  const family: RuntimeFamily = runtime.family === "go" ? "provided" : runtime.family;
  return newestRuntime(family, now)?.id;
}

export interface RuntimeVerdict {
  /** Lambda would refuse the call: exit 2 with `instead`. */
  blocked: boolean;
  /** A warning to print when not blocked (deprecated, or soon blocked). */
  warning?: string;
  message: string;
  instead?: string;
}

/**
 * Whether Lambda accepts `id` for `action` at `now`: creating a function on it (or switching a
 * function to it), or updating a function that stays on it.
 */
export function judgeRuntime(id: string, action: "create" | "update", now: Date): RuntimeVerdict | undefined {
  const runtime = findRuntime(id);
  if (!runtime) return undefined;
  const phase = runtimePhase(runtime, now);
  const instead = successorOf(id, now);
  const pass = instead ? `pass --runtime ${instead}` : "pass a runtime Lambda supports";
  if (phase === "unreleased") return { blocked: true, message: `${id} is not available on Lambda before ${runtime.released}`, instead: pass };
  const blockedFor = action === "create" ? phase === "create-blocked" || phase === "update-blocked" : phase === "update-blocked";
  if (blockedFor) {
    const since = action === "create" ? runtime.blockCreate : runtime.blockUpdate;
    const what = action === "create" ? "creating functions on" : "updating functions on";
    return { blocked: true, message: `Lambda blocks ${what} ${id} since ${since} (deprecated ${runtime.deprecated})`, instead: pass };
  }
  if (phase === "supported") return { blocked: false, message: `${id} is supported until ${runtime.deprecated}` };
  const next = action === "create" ? "" : `; updates are blocked from ${runtime.blockUpdate}`;
  return { blocked: false, warning: `${id} is deprecated since ${runtime.deprecated} (no security patches)${next} — ${pass}`, message: `${id} is deprecated`, instead: pass };
}
