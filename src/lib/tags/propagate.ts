import type { Ec2Instance, OwnedResource } from "../aws/ec2.js";
import type { EnforceAction } from "./plan.js";
import type { TagRule } from "./rules.js";

export interface PropagateOptions {
  /** `--propagate`: every rule's key; otherwise only rules with `Propagate: Y`. */
  all: boolean;
  /** `--propagate-overwrite`: also replace a different value the owned resource already has. */
  overwrite: boolean;
}

/** The keys a run copies from instances to what they own (none: no propagation). */
export function propagatedKeys(rules: TagRule[], all: boolean): string[] {
  return rules.filter((r) => all || r.propagate).map((r) => r.tagKey);
}

/**
 * Tag actions copying each instance's policy tags to its volumes, network interfaces and
 * their snapshots: the instance's value after this run's planned fixes; a key the owned
 * resource lacks (or holds empty) is written, a different value only with overwrite. The
 * actions go through the same grouped CreateTags batches as the instances' own fixes.
 */
export function propagationActions(
  instances: Map<string, Ec2Instance>,
  owned: OwnedResource[],
  planned: EnforceAction[],
  keys: string[],
  options: Pick<PropagateOptions, "overwrite">,
): EnforceAction[] {
  const after = new Map<string, Record<string, string>>();
  for (const [id, i] of instances) after.set(id, { ...i.tags });
  for (const a of planned) {
    if (a.action === "tag" && a.result === "planned" && a.value !== undefined && after.has(a.instanceId)) after.get(a.instanceId)![a.tagKey!] = a.value;
  }
  const actions: EnforceAction[] = [];
  const seen = new Set<string>();
  for (const r of owned) {
    const source = after.get(r.instanceId);
    if (!source) continue;
    for (const key of keys) {
      const value = source[key];
      if (value === undefined || value.trim() === "") continue;
      const current = r.tags[key];
      const needed = current === undefined || current.trim() === "" || (options.overwrite && current !== value);
      // A volume attached to two instances (multi-attach) takes the first instance's value.
      if (!needed || seen.has(`${r.id}\u0000${key}`)) continue;
      seen.add(`${r.id}\u0000${key}`);
      actions.push({ instanceId: r.id, action: "tag", tagKey: key, value, reason: "propagated", result: "planned", from: r.instanceId, resourceType: `ec2:${r.kind}` });
    }
  }
  return actions;
}
