import { UsageError } from "../errors.js";
import type { Policy } from "./inventory.js";
import type { UntaggedMode } from "./plan.js";
import { opRulesIn } from "./rules.js";

/**
 * Checks that need the rules and the run's resource types together (exit 2 before any call
 * that changes anything): Stop/Terminate stay EC2-only; Notify rules need a topic; propagation
 * needs instances.
 */
export function checkTypeRules(
  policy: Pick<Policy, "rules" | "types">,
  run: { mode: UntaggedMode; notify?: string; dryRun: boolean; propagate?: boolean; propagateOverwrite?: boolean },
): void {
  const others = policy.types?.others ?? false;
  const typeList = policy.types ? (policy.types.filters.length ? policy.types.filters.join(",") : "all") : "";
  if (others && (run.mode === "stop" || run.mode === "terminate")) {
    throw new UsageError(
      `--untagged ${run.mode} applies to EC2 instances only, and --resource-types includes ${typeList}`,
      "for other types use --untagged report or tag (and --notify); run stop/terminate with --resource-types ec2:instance",
    );
  }
  const ec2Only = opRulesIn(policy.rules, ["Stop", "Terminate"])[0];
  if (others && ec2Only) {
    throw new UsageError(
      `rule RuleId=${ec2Only.ruleId}: Action ${ec2Only.action} applies to EC2 instances only, and --resource-types includes ${typeList}`,
      "use Action Notify for other types, or keep Stop/Terminate rules in a policy run with --resource-types ec2:instance",
    );
  }
  const notify = opRulesIn(policy.rules, ["Notify"])[0];
  if (notify && !run.notify && !run.dryRun) {
    throw new UsageError(`rule RuleId=${notify.ruleId}: Action Notify needs a topic to notify`, "pass --notify <sns-topic-arn> (or --dry-run to see the plan)");
  }
  if (run.propagateOverwrite && !run.propagate && !policy.rules.some((r) => r.propagate)) {
    throw new UsageError("--propagate-overwrite needs --propagate (or a rule with Propagate: Y)", "add --propagate");
  }
  // A rule's Propagate: Y simply has nothing to copy from in a run without instances; the flag asks for it.
  if (run.propagate && policy.types && !policy.types.instances) {
    throw new UsageError("propagation copies instance tags to their volumes, network interfaces and snapshots, and --resource-types has no ec2:instance", "add ec2:instance to --resource-types, or drop --propagate");
  }
}
