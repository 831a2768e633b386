import type { Ec2Api } from "../aws/ec2.js";
import { AwsError } from "../errors.js";
import { chunk, groupTagFixes, MAX_IDS_PER_CALL, runSplitting, withBackoff } from "./batches.js";
import type { Clock } from "./pacer.js";
import type { EnforceAction } from "./plan.js";

export interface ExecuteDeps {
  ec2: Ec2Api;
  clock: Clock;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Applies planned actions in batches: CreateTags grouped by identical (key, value), then
 * StopInstances, then TerminateInstances, up to 1,000 ids a call. A failed batch is split so
 * one protected or vanished instance fails alone; other batches go on. Results are written
 * into the actions. On Ctrl-C no new batch starts and unstarted actions stay "planned".
 */
export async function executeActions(actions: EnforceAction[], deps: ExecuteDeps): Promise<void> {
  const planned = actions.filter((a) => a.result === "planned");
  const total = planned.length;
  let done = 0;
  const settle = (subset: EnforceAction[], outcome: Map<string, Error | undefined>) => {
    for (const a of subset) {
      if (!outcome.has(a.instanceId)) continue;
      const error = outcome.get(a.instanceId);
      a.result = error ? "failed" : "done";
      if (error) a.error = describe(error, a);
      done++;
    }
    deps.onProgress?.(done, total);
  };
  const call = (fn: (ids: string[]) => Promise<void>) => (ids: string[]) =>
    withBackoff(() => fn(ids), { clock: deps.clock, signal: deps.signal });

  const tags = planned.filter((a) => a.action === "tag");
  for (const batch of groupTagFixes(tags.map((a) => ({ instanceId: a.instanceId, tagKey: a.tagKey!, value: a.value! })))) {
    if (deps.signal?.aborted) return;
    const outcome = await runSplitting(
      batch.instanceIds,
      call((ids) => deps.ec2.createTags(ids, batch.tagKey, batch.value, deps.signal)),
      deps.signal,
    );
    // settle() only touches ids this batch reported on.
    settle(tags.filter((a) => a.tagKey === batch.tagKey && a.value === batch.value), outcome);
  }
  for (const kind of ["stop", "terminate"] as const) {
    const subset = planned.filter((a) => a.action === kind);
    const fn = kind === "stop" ? deps.ec2.stopInstances : deps.ec2.terminateInstances;
    for (const ids of chunk(subset.map((a) => a.instanceId), MAX_IDS_PER_CALL)) {
      if (deps.signal?.aborted) return;
      const outcome = await runSplitting(ids, call((part) => fn(part, deps.signal)), deps.signal);
      settle(subset, outcome);
    }
  }
}

function describe(error: Error, action: EnforceAction): string {
  if (error instanceof AwsError && error.code === "OperationNotPermitted") {
    const protection = action.action === "stop" ? "stop protection (disableApiStop)" : "termination protection (disableApiTermination)";
    return action.action === "tag" ? error.message : `${protection} is on: ${error.message}`;
  }
  return error.message;
}
