import { tmpdir } from "node:os";
import type { Context } from "../context.js";
import type { DocumentWriter } from "../output.js";
import { inOrder } from "../in-order.js";
import type { EnforcePlan } from "./engine.js";
import type { Policy } from "./inventory.js";
import type { OrgOptions } from "./org.js";
import { enforceOrg, HELD_IN_MEMORY, type Located, type OrgEnforceResult } from "./org-run.js";
import type { EnforceAction, UntaggedInstance } from "./plan.js";
import { createNotification, REPORT_SUBJECT } from "./render.js";
import { resourceNoun } from "./resource-types.js";

/** What a streamed org enforce keeps: counts, and how the SNS summary went. */
export interface StreamedEnforce {
  result: OrgEnforceResult;
  deferred: number;
  failedActions: number;
  notified: boolean;
  notifyError?: string;
}

/**
 * An org `tags enforce -o json` written as the run goes: `actions` target by target in target
 * order, except `notify` actions, which follow them once the one SNS summary for the run is
 * published (their result depends on it); then `untagged`, `targets`, `scanned`, `deferred`,
 * `notified` (and `notifyError`). Only counts, the summary's first 250 KB and the per-target
 * list stay in memory; notify actions and untagged resources wait for their turn in memory up
 * to HELD_IN_MEMORY, then in a private temp file. Ctrl-C ends the document with
 * `"interrupted": true`, an unexpected error with `"error"`: stdout always holds one document.
 */
export async function streamOrgEnforce(
  doc: DocumentWriter,
  policy: Policy,
  plan: EnforcePlan,
  options: OrgOptions & { report?: string; notify?: string },
  ctx: Context,
): Promise<StreamedEnforce> {
  const tmpDir = ctx.env.TMPDIR || tmpdir();
  const later = {
    notifies: inOrder<Located<EnforceAction>>({ inMemory: options.heldInMemory ?? HELD_IN_MEMORY, tmpDir }),
    untagged: inOrder<Located<UntaggedInstance>>({ inMemory: options.heldInMemory ?? HELD_IN_MEMORY, tmpDir }),
  };
  // Index 0 never comes: everything put waits for rest(), in the order it was put.
  let seq = 1;
  const message = createNotification();
  const counts = { deferred: 0, failedActions: 0, actions: 0 };
  let opened = false;
  const open = () => opened || ((opened = true), doc.list("actions"));
  const write = (a: Located<EnforceAction>) => {
    open();
    doc.item(a);
    counts.actions++;
    if (a.result === "deferred") counts.deferred++;
    if (a.result === "failed") counts.failedActions++;
  };
  try {
    const result = await enforceOrg(policy, plan, options, ctx, {
      async actions(located) {
        const notifies: Located<EnforceAction>[] = [];
        for (const a of located) {
          const pending = a.action === "notify" && a.result === "planned";
          // The summary lists a notify action as done: it is, once the summary is out.
          message.action(pending ? { ...a, result: "done" } : a);
          if (pending) notifies.push(a);
          else write(a);
        }
        if (notifies.length) await later.notifies.put(seq++, notifies);
      },
      async untagged(located) {
        located.forEach((u) => message.untagged(u));
        await later.untagged.put(seq++, located);
      },
    });
    const sent = await publish(options, ctx, message, result.scanned, policy);
    for await (const { items } of later.notifies.rest()) {
      for (const a of items) write(sent.notified ? { ...a, result: "done" } : sent.notifyError !== undefined ? { ...a, result: "failed", error: `not notified: ${sent.notifyError}` } : a);
    }
    open();
    doc.list("untagged");
    for await (const { items } of later.untagged.rest()) items.forEach((u) => doc.item(u));
    doc.field("targets", result.targets);
    doc.field("scanned", result.scanned);
    doc.field("deferred", counts.deferred);
    doc.field("notified", sent.notified);
    if (sent.notifyError !== undefined) doc.field("notifyError", sent.notifyError);
    if (ctx.signal.aborted) doc.field("interrupted", true);
    doc.close();
    return { result, deferred: counts.deferred, failedActions: counts.failedActions, ...sent };
  } catch (error) {
    if (opened) {
      doc.field("error", error instanceof Error ? error.message.split("\n")[0] : String(error));
      doc.close();
    }
    throw error;
  } finally {
    await later.notifies.close();
    await later.untagged.close();
  }
}

/** The run's one SNS summary (not on a dry run, not after Ctrl-C, not when there is nothing to say). */
async function publish(
  options: { notify?: string; dryRun?: boolean },
  ctx: Context,
  message: ReturnType<typeof createNotification>,
  scanned: number,
  policy: Policy,
): Promise<{ notified: boolean; notifyError?: string }> {
  if (!options.notify || options.dryRun || ctx.signal.aborted || message.empty) return { notified: false };
  const sns = await ctx.services.sns();
  try {
    await sns.publish(options.notify, REPORT_SUBJECT, message.message(scanned, resourceNoun(policy.types)), ctx.signal);
    return { notified: true };
  } catch (error) {
    const notifyError = (error as Error).message;
    ctx.out.warn(`the SNS summary was not published: ${notifyError}`);
    return { notified: false, notifyError };
  }
}
