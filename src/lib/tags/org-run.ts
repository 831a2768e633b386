import { tmpdir } from "node:os";
import type { Context } from "../context.js";
import { AwsblogError } from "../errors.js";
import { inOrder } from "../in-order.js";
import { enforceTarget, scanTarget, type CreatorLookup, type EnforcePlan, type EnforceTargetResult, type ScanResult } from "./engine.js";
import type { Finding } from "./evaluate.js";
import { noInstanceText, type Policy } from "./inventory.js";
import { createTargetProgress, credentialsPerAccount, forEachTarget, resolveTargets, targetContext, DEFAULT_ROLE, type OrgOptions, type Target } from "./org.js";
import type { EnforceAction, UntaggedInstance } from "./plan.js";
import { ENFORCE_COLUMNS, openReport, SCAN_COLUMNS, violationRow, type ReportFile, type ReportRow } from "./report-file.js";

/** One line of the contract's `targets` list. */
export interface TargetReport extends Target {
  status: "ok" | "failed";
  scanned: number;
  violations: number;
  error?: string;
  /** enforce only: the target's CloudTrail sweep. */
  creatorLookup?: CreatorLookup;
}

export type Located<T> = T & { accountId: string; region: string };

export interface OrgScanResult {
  scanned: number;
  compliant: number;
  violations: Located<Finding>[];
  targets: TargetReport[];
}

export interface OrgEnforceResult {
  scanned: number;
  actions: Located<EnforceAction>[];
  untagged: Located<UntaggedInstance>[];
  targets: TargetReport[];
}

interface RunShape<R, I> {
  columns: readonly string[];
  run(policy: Policy, target: ReturnType<typeof targetContext>): Promise<R>;
  /** The target's report line and what goes on from it (located findings, rows), its inventory dropped. */
  keep(target: Target, result: R): { report: TargetReport; items: I[] };
  /** Hands a target's items on, called in target order (account, then region) once it may go out. */
  release?(target: Target, items: I[]): void | Promise<void>;
  /** The --report rows of a target's items. */
  rows(target: Target, items: I[]): ReportRow[];
}

/** Items held out of target order in memory before they wait in a temp file instead (~0.5 KB each as JSON). */
export const HELD_IN_MEMORY = 5_000;

/**
 * Runs one engine over every target (accounts × regions), `--concurrency` at a time, each with
 * its own clients, credentials and buckets. A target that fails (role denied, region disabled,
 * throttled out) is recorded with its AWS error and the others go on. Each target's inventory
 * is released when it finishes: only its items (located violations, or report rows) are kept,
 * and handed on (`release`, --report rows) in target order as soon as every target before it
 * has finished. Items that wait for a slow target ahead of them go to a temp file past
 * HELD_IN_MEMORY, so a streamed run holds about that many, not the run's findings.
 */
async function runOrg<R, I>(policy: Policy, options: OrgOptions & { report?: string }, ctx: Context, shape: RunShape<R, I>): Promise<TargetReport[]> {
  const report: ReportFile | undefined = options.report ? await openReport(options.report, shape.columns) : undefined;
  const progress = createTargetProgress(ctx);
  const reports: TargetReport[] = [];
  const empty: Target[] = [];
  const failures = new Map<number, string>();
  const held = inOrder<I>({
    inMemory: options.heldInMemory ?? HELD_IN_MEMORY,
    tmpDir: ctx.env.TMPDIR || tmpdir(),
    onFileError: (message) => ctx.out.debug(message),
  });
  try {
    const resolved = await resolveTargets(options, ctx);
    const targets = [...resolved.targets].sort(byTarget);
    const credentials = credentialsPerAccount(resolved.caller, options.assumeRole ?? DEFAULT_ROLE, await ctx.services.callerSts(), () => ctx.now().getTime());
    ctx.out.info(`${targets.length} target(s): ${new Set(targets.map((t) => t.accountId)).size} account(s) × ${new Set(targets.map((t) => t.region)).size} region(s), ${Math.min(options.concurrency ?? 8, targets.length)} at a time`);
    // One releaser at a time, so targets go out in order however the workers interleave.
    let releasing = Promise.resolve();
    const hand = async (entries: AsyncGenerator<{ index: number; items: I[] }>) => {
      for await (const { index, items } of entries) {
        const target = targets[index]!;
        const error = failures.get(index);
        failures.delete(index);
        if (error === undefined) await shape.release?.(target, items);
        if (report) await report.write(error === undefined ? shape.rows(target, items) : [{ ...target, error }]);
      }
    };
    const release = (entries: () => AsyncGenerator<{ index: number; items: I[] }>) => (releasing = releasing.then(() => hand(entries())));
    const index = new Map(targets.map((t, i) => [t, i]));
    await forEachTarget(targets, options.concurrency ?? 8, ctx.signal, async (target) => {
      const label = `${target.accountId}/${target.region}`;
      const at = index.get(target)!;
      let kept: { report: TargetReport; items: I[] };
      const context = targetContext(ctx, target, credentials.providerFor(target.accountId), progress);
      try {
        // The target's clients close when it is done, whichever way (their sockets with them).
        const result = await shape.run(policy, context).finally(() => context.services.dispose?.());
        kept = shape.keep(target, result);
        if (kept.report.scanned === 0) {
          empty.push(target);
          progress.done(label, undefined);
        } else progress.done(label, `scanned ${kept.report.scanned}, ${kept.report.violations} in violation`);
      } catch (error) {
        if (!(error instanceof AwsblogError)) throw error;
        const message = error.hint ? `${error.message} — ${error.hint}` : error.message;
        kept = { report: { ...target, status: "failed", scanned: 0, violations: 0, error: message }, items: [] };
        failures.set(at, message);
        progress.done(label, `FAILED: ${message}`);
      }
      reports.push(kept.report);
      await held.put(at, kept.items);
      await release(() => held.due());
    });
    // After Ctrl-C some targets never started: what finished after a gap still goes out.
    await release(() => held.rest());
    if (held.spilled.entries > 0) ctx.out.debug(`${held.spilled.items} item(s) of ${held.spilled.entries} target(s) waited in a temp file for a slower target ahead of them`);
  } finally {
    progress.close();
    await held.close();
    await report?.close();
  }
  if (empty.length > 0) ctx.out.info(emptyTargetsLine(empty, reports.length, policy));
  return reports.sort(byTarget);
}

/**
 * Regions with nothing to do, in one line rather than two per target:
 * "no … instance in 42 of 44 target(s): 111111111111 us-east-2 us-west-1 …; 222222222222 …".
 */
export function emptyTargetsLine(empty: Target[], total: number, policy: Pick<Policy, "scopeFlags" | "types">): string {
  const byAccount = new Map<string, string[]>();
  for (const t of [...empty].sort(byTarget)) byAccount.set(t.accountId, [...(byAccount.get(t.accountId) ?? []), t.region]);
  const list = [...byAccount].map(([account, regions]) => `${account} ${regions.join(" ")}`).join("; ");
  return `${noInstanceText(policy)} in ${empty.length} of ${total} target(s): ${list}`;
}

/** Targets finish in any order; the output lists them, and their findings, by account then region. */
function byTarget(a: Target, b: Target): number {
  return a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region);
}

/**
 * Where an org scan's violations go: kept for the result (text, YAML, the Lambda's return
 * value), or handed to `emit` target by target and dropped (a streamed `-o json`).
 */
export interface ViolationSink {
  emit(violations: Located<Finding>[]): void;
}

export async function scanOrg(policy: Policy, options: OrgOptions & { report?: string }, ctx: Context, sink?: ViolationSink): Promise<OrgScanResult & { inViolation: number }> {
  const violations: Located<Finding>[] = [];
  let scanned = 0;
  let inViolation = 0;
  const targets = await runOrg<ScanResult, Located<Finding>>(policy, options, ctx, {
    columns: SCAN_COLUMNS,
    run: (p, target) => scanTarget(p, target),
    keep(target, result) {
      const located = result.violations.map((v) => ({ accountId: target.accountId, region: target.region, ...v }));
      scanned += result.scanned;
      inViolation += located.length;
      return { report: { ...target, status: "ok", scanned: result.scanned, violations: located.length }, items: located };
    },
    release(_target, located) {
      if (!sink) violations.push(...located);
      else if (located.length) sink.emit(located);
    },
    rows: (_target, located) => located.map((v) => violationRow(v, v)),
  });
  // Released in target order: `violations` is already sorted.
  return { scanned, compliant: scanned - inViolation, violations, targets, inViolation };
}

/**
 * Where an org enforce's actions and untagged resources go, target by target in target order:
 * kept for the result, or handed to a streamed document (`-o json`) and dropped.
 */
export interface EnforceSink {
  actions(located: Located<EnforceAction>[]): Promise<void>;
  untagged(located: Located<UntaggedInstance>[]): Promise<void>;
}

/** One action or untagged resource of a target, as it waits for its turn (JSON-safe). */
type EnforceItem = { action: Located<EnforceAction> } | { untagged: Located<UntaggedInstance> };

export async function enforceOrg(policy: Policy, plan: EnforcePlan, options: OrgOptions & { report?: string }, ctx: Context, sink?: EnforceSink): Promise<OrgEnforceResult> {
  const actions: Located<EnforceAction>[] = [];
  const untagged: Located<UntaggedInstance>[] = [];
  let scanned = 0;
  const targets = await runOrg<EnforceTargetResult, EnforceItem>(policy, options, ctx, {
    columns: ENFORCE_COLUMNS,
    run: (p, target) => enforceTarget(p, plan, target),
    keep(target, result) {
      const at = { accountId: target.accountId, region: target.region };
      scanned += result.scanned;
      return {
        report: { ...target, status: "ok", scanned: result.scanned, violations: result.violations, creatorLookup: result.creatorLookup },
        items: [...result.untagged.map((u) => ({ untagged: { ...at, ...u } })), ...result.actions.map((a) => ({ action: { ...at, ...a } }))],
      };
    },
    async release(_target, items) {
      const located = { actions: [] as Located<EnforceAction>[], untagged: [] as Located<UntaggedInstance>[] };
      for (const item of items) {
        if ("action" in item) located.actions.push(item.action);
        else located.untagged.push(item.untagged);
      }
      if (!sink) {
        actions.push(...located.actions);
        untagged.push(...located.untagged);
        return;
      }
      if (located.actions.length) await sink.actions(located.actions);
      if (located.untagged.length) await sink.untagged(located.untagged);
    },
    rows: (_target, items) =>
      items.flatMap((item) => {
        if (!("action" in item)) return [];
        const a = item.action;
        return [{ accountId: a.accountId, region: a.region, instanceId: a.instanceId, action: a.action, tagKey: a.tagKey ?? null, value: a.value ?? null, reason: a.reason, result: a.result, error: a.error ?? null }];
      }),
  });
  // Released in target order: both lists are already sorted.
  return { scanned, actions, untagged, targets };
}
