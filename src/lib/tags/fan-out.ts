import type { Context } from "../context.js";
import { FailureError, UsageError } from "../errors.js";
import { resolveAccounts } from "./org.js";
import { REPORT_SUBJECT } from "./render.js";
import { runEvent, scheduledContext, type ScheduledEvent, type ScheduledRunHost } from "./scheduled-run.js";

/**
 * `tags schedule --fan-out`: a Step Functions state machine runs the scheduled event instead
 * of one Lambda invocation, so an organization is not bound by one function's 15 minutes.
 *
 *   ListAccounts (the function, phase "accounts") → EachAccount (Map, MaxConcurrency: the
 *   function once per account, phase "account", that account's regions inside) → Summary
 *   (the function, phase "summary": totals, one SNS message as an unfanned run sends).
 *
 * The Map's item is one account, not one account × region: Step Functions caps a state's data
 * at 256 KiB, and 500 accounts × 17 regions = 8,500 items (≈ 25 bytes each as input, more as
 * results) would not fit, while 500 accounts (≈ 150 bytes of result each) do. An account's
 * regions run inside its invocation `--concurrency` at a time, well inside 15 minutes.
 */
export type FanOutEvent =
  | { phase: "accounts"; run: ScheduledEvent }
  | { phase: "account"; accountId: string; run: ScheduledEvent }
  | { phase: "summary"; run: ScheduledEvent; results: AccountResult[] };

/** One account's outcome, small on purpose (the Map keeps every account's in its state). */
export interface AccountResult {
  accountId: string;
  /** "failed": the invocation itself failed (the Map's Catch); a region that failed is in failedTargets. */
  status: "ok" | "failed";
  regions?: number;
  scanned?: number;
  violations?: number;
  /** enforce: actions by result, and untagged instances. */
  done?: number;
  failed?: number;
  deferred?: number;
  untagged?: number;
  failedTargets?: { region: string; error: string }[];
  error?: string;
}

export interface FanOutSummary {
  accounts: number;
  targets: number;
  failedTargets: { accountId: string; region?: string; error: string }[];
  scanned: number;
  violations: number;
  actions?: { done: number; failed: number; deferred: number };
  untagged?: number;
  notified: boolean;
  notifyError?: string;
}

/** Lambda's own transient errors: retried by the state machine before an account counts as failed. */
const LAMBDA_RETRY = [
  {
    ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
  },
];

/** The state machine's Amazon States Language definition. */
export function fanOutDefinition(functionArn: string, maxConcurrency: number): Record<string, unknown> {
  return {
    Comment: "awsblog tags schedule --fan-out: the tag engine once per account (Map), then one summary",
    StartAt: "ListAccounts",
    States: {
      ListAccounts: { Type: "Task", Resource: functionArn, Parameters: { phase: "accounts", "run.$": "$" }, Retry: LAMBDA_RETRY, Next: "EachAccount" },
      EachAccount: {
        Type: "Map",
        ItemsPath: "$.accounts",
        MaxConcurrency: maxConcurrency,
        ItemSelector: { phase: "account", "accountId.$": "$$.Map.Item.Value", "run.$": "$.run" },
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "Account",
          States: {
            Account: {
              Type: "Task",
              Resource: functionArn,
              Retry: LAMBDA_RETRY,
              // One account's failure (a timeout, a bug) is a result, not the end of the run.
              Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "AccountFailed" }],
              End: true,
            },
            AccountFailed: { Type: "Pass", Parameters: { "accountId.$": "$.accountId", status: "failed", "error.$": "$.failure.Cause" }, End: true },
          },
        },
        ResultPath: "$.results",
        Next: "Summary",
      },
      Summary: { Type: "Task", Resource: functionArn, Parameters: { phase: "summary", "run.$": "$.run", "results.$": "$.results" }, Retry: LAMBDA_RETRY, End: true },
    },
  };
}

/** Runs one phase of the fan-out inside the function (the Lambda handler dispatches here on `phase`). */
export async function runFanOutPhase(event: FanOutEvent, host: ScheduledRunHost): Promise<unknown> {
  const ctx = scheduledContext(host);
  if (event.phase === "accounts") return { run: event.run, accounts: (await resolveAccounts(event.run, ctx)).accounts };
  if (event.phase === "account") return runAccount(event.accountId, event.run, ctx);
  if (event.phase === "summary") return summarize(event.run, event.results, ctx);
  throw new UsageError(`unknown fan-out phase ${JSON.stringify((event as { phase?: unknown }).phase)}`, "redeploy with awsblog tags schedule --fan-out");
}

interface OrgDocument {
  scanned: number;
  violations: unknown[] | number;
  actions?: { result: string }[];
  untagged?: unknown[];
  targets: { region: string; status: string; violations: number; error?: string }[];
}

/** One account, its regions inside: the same run as the unfanned function, without the SNS message (the summary sends one). */
async function runAccount(accountId: string, run: ScheduledEvent, ctx: Context): Promise<AccountResult> {
  const { org: _org, ou: _ou, excludeAccounts: _excluded, notify: _notify, ...rest } = run;
  const doc = (await runEvent({ ...rest, accounts: [accountId] }, ctx)) as OrgDocument;
  // The whole document goes to this invocation's log: the per-instance detail of the run.
  ctx.out.info(JSON.stringify(doc));
  const result: AccountResult = {
    accountId,
    status: "ok",
    regions: doc.targets.length,
    scanned: doc.scanned,
    violations: doc.targets.reduce((n, t) => n + t.violations, 0),
  };
  if (doc.actions) {
    const count = (r: string) => doc.actions!.filter((a) => a.result === r).length;
    Object.assign(result, { done: count("done"), failed: count("failed"), deferred: count("deferred"), untagged: doc.untagged?.length ?? 0 });
  }
  const failed = doc.targets.filter((t) => t.status === "failed").map((t) => ({ region: t.region, error: t.error ?? "unknown" }));
  if (failed.length) result.failedTargets = failed;
  return result;
}

/** A failed invocation's Cause is Lambda's error JSON: its errorMessage is the one line to show. */
function causeLine(cause: string | undefined): string {
  try {
    const parsed = JSON.parse(cause ?? "") as { errorMessage?: string };
    if (parsed.errorMessage) return parsed.errorMessage.split("\n")[0]!;
  } catch {
    // not JSON: the cause as it is
  }
  return (cause ?? "unknown error").split("\n")[0]!.slice(0, 500);
}

/** Totals of every account, one SNS message (as the unfanned run), and the run fails only when no target could be scanned. */
async function summarize(run: ScheduledEvent, results: AccountResult[], ctx: Context): Promise<FanOutSummary> {
  const summary: FanOutSummary = { accounts: results.length, targets: 0, failedTargets: [], scanned: 0, violations: 0, notified: false };
  const enforce = run.command === "enforce";
  if (enforce) Object.assign(summary, { actions: { done: 0, failed: 0, deferred: 0 }, untagged: 0 });
  let okTargets = 0;
  for (const r of results) {
    if (r.status === "failed") {
      summary.failedTargets.push({ accountId: r.accountId, error: causeLine(r.error) });
      summary.targets += 1;
      continue;
    }
    summary.targets += r.regions ?? 0;
    okTargets += (r.regions ?? 0) - (r.failedTargets?.length ?? 0);
    summary.scanned += r.scanned ?? 0;
    summary.violations += r.violations ?? 0;
    for (const f of r.failedTargets ?? []) summary.failedTargets.push({ accountId: r.accountId, region: f.region, error: f.error });
    if (summary.actions) {
      summary.actions.done += r.done ?? 0;
      summary.actions.failed += r.failed ?? 0;
      summary.actions.deferred += r.deferred ?? 0;
      summary.untagged! += r.untagged ?? 0;
    }
  }
  const acted = summary.actions ? summary.actions.done + summary.actions.failed + summary.actions.deferred : 0;
  if (enforce && run.notify && (acted > 0 || (summary.untagged ?? 0) > 0 || summary.failedTargets.length > 0)) {
    try {
      await (await ctx.services.sns()).publish(run.notify, REPORT_SUBJECT, fanOutMessage(summary, results), ctx.signal);
      summary.notified = true;
    } catch (error) {
      summary.notifyError = (error as Error).message;
      ctx.out.warn(`the SNS summary was not published: ${summary.notifyError}`);
    }
  }
  ctx.out.info(JSON.stringify(summary));
  if (summary.targets > 0 && okTargets === 0) {
    const first = summary.failedTargets[0]?.error.split(" — ")[0] ?? "unknown";
    throw new FailureError(`no target could be scanned (${summary.failedTargets.length} failed); first error: ${first}`, "check the member role and the function role's sts:AssumeRole permission");
  }
  return summary;
}

/** The SNS message of a fanned-out run: totals, one line per account with something to say, each failure (cut to SNS's size). */
export function fanOutMessage(summary: FanOutSummary, results: AccountResult[]): string {
  const a = summary.actions ?? { done: 0, failed: 0, deferred: 0 };
  const head = [
    "The tagging policy ran in every account (fanned out by Step Functions):",
    `${summary.accounts} account(s), ${summary.targets} target(s), ${summary.failedTargets.length} failed; scanned ${summary.scanned} instance(s), ${summary.violations} in violation`,
    `actions: ${a.done} done, ${a.failed} failed, ${a.deferred} deferred to the next run; ${summary.untagged ?? 0} untagged instance(s)`,
    "",
  ];
  const lines = [
    ...results.filter((r) => r.status === "ok" && ((r.done ?? 0) + (r.failed ?? 0) + (r.deferred ?? 0) + (r.untagged ?? 0) > 0)).map((r) => `-- ${r.accountId}: ${r.done ?? 0} done, ${r.failed ?? 0} failed, ${r.deferred ?? 0} deferred, ${r.untagged ?? 0} untagged`),
    ...summary.failedTargets.map((f) => `-- ${f.accountId}${f.region ? ` ${f.region}` : ""}: FAILED (${f.error})`),
  ];
  const kept: string[] = [];
  let size = Buffer.byteLength(head.join("\n")) + 200;
  for (const line of lines) {
    size += Buffer.byteLength(line) + 1;
    if (size > 250_000) break;
    kept.push(line);
  }
  const cut = lines.length - kept.length;
  return [...head, ...kept, ...(cut ? [`-- … and ${cut} more (each account's invocation log has its full report)`] : [])].join("\n");
}
