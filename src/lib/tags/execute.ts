import type { Ec2Api } from "../aws/ec2.js";
import type { TaggingApi, TaggingFailure } from "../aws/tagging.js";
import { AwsError } from "../errors.js";
import { chunk, groupTagFixes, MAX_ARNS_PER_CALL, MAX_IDS_PER_CALL, runSplitting, withBackoff } from "./batches.js";
import type { Clock } from "../pacing.js";
import type { EnforceAction } from "./plan.js";

export interface ExecuteDeps {
  ec2: Ec2Api;
  /** Resources other than EC2 ones (actions whose id is an ARN): TagResources / UntagResources. */
  tagging?: () => Promise<TaggingApi>;
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
      if (!outcome.has(a.instanceId) || a.result !== "planned") continue;
      const error = outcome.get(a.instanceId);
      a.result = error ? "failed" : "done";
      if (error) a.error = describe(error, a);
      done++;
    }
    deps.onProgress?.(done, total);
  };
  const call = (fn: (ids: string[]) => Promise<void>) => (ids: string[]) =>
    withBackoff(() => fn(ids), { clock: deps.clock, signal: deps.signal });

  // Ids that are ARNs belong to the Tagging API; EC2 ids (i-, vol-, eni-, snap-) to CreateTags/DeleteTags.
  const viaApi = (a: EnforceAction) => a.instanceId.startsWith("arn:");
  const writes = planned.filter((a) => a.action === "tag" || a.action === "mark");
  await tagResources(writes.filter(viaApi), deps, settle);
  const removals = planned.filter((a) => a.action === "unmark");
  await untagResources(removals.filter(viaApi), deps, settle);
  for (const ids of chunk(removals.filter((a) => !viaApi(a)).map((a) => a.instanceId), MAX_IDS_PER_CALL)) {
    if (deps.signal?.aborted || !deps.ec2.deleteTags) break;
    const deleteTags = deps.ec2.deleteTags.bind(deps.ec2);
    const outcome = await runSplitting(ids, call((part) => deleteTags(part, [removals[0]!.tagKey!], deps.signal)), deps.signal);
    settle(removals, outcome);
  }
  const tags = writes.filter((a) => !viaApi(a));
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

type Settle = (subset: EnforceAction[], outcome: Map<string, Error | undefined>) => void;

/**
 * TagResources: each resource's fixes as one tag set, resources with identical sets grouped,
 * at most 20 ARNs a call. A FailedResourcesMap entry fails that resource's actions alone; an
 * error for the whole call (denied, throttled beyond retries) fails the call's resources.
 */
async function tagResources(actions: EnforceAction[], deps: ExecuteDeps, settle: Settle): Promise<void> {
  if (actions.length === 0) return;
  const sets = new Map<string, Record<string, string>>();
  for (const a of actions) sets.set(a.instanceId, { ...(sets.get(a.instanceId) ?? {}), [a.tagKey!]: a.value! });
  const groups = new Map<string, { tags: Record<string, string>; arns: string[] }>();
  for (const [arn, tags] of sets) {
    const key = JSON.stringify(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { tags, arns: [] }));
    group.arns.push(arn);
  }
  const api = deps.tagging ? await deps.tagging() : undefined;
  for (const { tags, arns } of groups.values()) {
    for (const part of chunk(arns, MAX_ARNS_PER_CALL)) {
      if (deps.signal?.aborted) return;
      settle(actions, await taggingCall(part, () => api!.tagResources(part, tags, deps.signal), deps));
    }
  }
}

async function untagResources(actions: EnforceAction[], deps: ExecuteDeps, settle: Settle): Promise<void> {
  if (actions.length === 0) return;
  const api = deps.tagging ? await deps.tagging() : undefined;
  for (const part of chunk([...new Set(actions.map((a) => a.instanceId))], MAX_ARNS_PER_CALL)) {
    if (deps.signal?.aborted) return;
    settle(actions, await taggingCall(part, () => api!.untagResources(part, [actions[0]!.tagKey!], deps.signal), deps));
  }
}

async function taggingCall(arns: string[], send: () => Promise<TaggingFailure[]>, deps: ExecuteDeps): Promise<Map<string, Error | undefined>> {
  const outcome = new Map<string, Error | undefined>(arns.map((arn) => [arn, undefined]));
  try {
    if (!deps.tagging) throw new Error("the Resource Groups Tagging API was not provided");
    const failed = await withBackoff(send, { clock: deps.clock, signal: deps.signal });
    for (const f of failed) outcome.set(f.arn, new Error(`TagResources failed for this resource: ${f.code}${f.statusCode ? ` (HTTP ${f.statusCode})` : ""}: ${f.message}`));
  } catch (error) {
    if (deps.signal?.aborted && !(error instanceof AwsError)) throw error;
    for (const arn of arns) outcome.set(arn, error as Error);
  }
  return outcome;
}

function describe(error: Error, action: EnforceAction): string {
  if (error instanceof AwsError && error.code === "OperationNotPermitted") {
    const protection = action.action === "stop" ? "stop protection (disableApiStop)" : "termination protection (disableApiTermination)";
    return action.action === "tag" ? error.message : `${protection} is on: ${error.message}`;
  }
  return error.message;
}
