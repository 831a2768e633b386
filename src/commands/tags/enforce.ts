import { defineCommand, opt } from "../../lib/command.js";
import { MAX_LOOKBACK_DAYS } from "../../lib/tags/creators.js";
import { enforce } from "../../lib/tags/enforce.js";
import { UNTAGGED_MODES } from "../../lib/tags/plan.js";
import { ORG_HELP, orgFlags, policyFlags, RULES_HELP } from "./_shared.js";

const flags = {
  ...policyFlags,
  ...orgFlags,
  untagged: opt.choice("--untagged <mode>", "what to do with untagged resources: report, tag (apply the rules' fixes), stop or terminate (EC2 instances only)", UNTAGGED_MODES, "report"),
  dryRun: opt.flag("--dry-run", "print the plan (CloudTrail lookups included) and change nothing"),
  notify: opt.string("--notify <topic-arn>", 'publish a summary to this SNS topic (subject "Tagging Policy Report")'),
  lookbackDays: opt.int("--lookback-days <n>", "how far back to search CloudTrail for RunInstances (1-90)", { min: 1, max: MAX_LOOKBACK_DAYS, defaultValue: MAX_LOOKBACK_DAYS }),
  creatorLookup: opt.flag("--no-creator-lookup", 'skip the CloudTrail lookup: UserLookup rules write "Undefined"'),
  propagate: opt.flag("--propagate", "copy every rule's tag from each instance to its volumes, network interfaces and their snapshots (rules with Propagate: Y do so without the flag)"),
  propagateOverwrite: opt.flag("--propagate-overwrite", "when propagating, also replace a different value the volume, interface or snapshot already has"),
};

/** `tags enforce`: the logic is lib/tags/enforce.ts (the scheduled Lambda calls it too). */
export default defineCommand({
  options: flags,
  help: `${RULES_HELP}
Update writes Default; UserLookup writes who ran RunInstances (one paced CloudTrail sweep), or "Undefined" when CloudTrail has no creator for it.
When CloudTrail is denied or unreachable the creator is left unset for the next run: a warning says so, the action's result is "deferred" and JSON counts them in "deferred"; the other fixes go on.
Function writes today() / today(+Nd) as a UTC date. Existing values are kept.
Auto Scaling members are never stopped or terminated. Exit 0 all done, 4 some failed.
Normalize rewrites accepted spellings to the canonical value (reason "invalid"); values outside AllowedValues are reported.
Stop/Terminate/Notify rules act on a resource missing that key; with GraceDays the first run tags it awsblog:marked=<action>@<date> (result "marked" until then), a run on or after that date acts, a resource fixed meanwhile loses the mark.
Other resource types are tagged with TagResources (20 ARNs a call, grouped by identical tag sets); a resource it fails on is "failed" with the service's error (exit 4). Stop/Terminate stay EC2-only.
${ORG_HELP}`,
  examples: [
    "awsblog tags enforce --policy dynamodb://acme_cloud_policy_tagging_def --vpc vpc-0abc1234 --untagged stop --notify arn:aws:sns:us-east-1:123456789012:tag-reports --dry-run",
    "awsblog tags enforce --policy rules.yaml --accounts 111111111111,222222222222 --regions us-east-1,eu-west-1 --report actions.csv",
    "awsblog tags enforce --policy rules.yaml --resource-types ec2:instance,s3,lambda:function,dynamodb:table --dry-run",
    "awsblog tags enforce --policy rules.yaml --vpc vpc-0abc1234 --propagate --notify arn:aws:sns:us-east-1:123456789012:tag-reports",
    "awsblog tags enforce --policy rules.yaml --org --exclude-accounts 111111111111 --regions all --report actions.jsonl --dry-run",
  ],
  run: enforce,
});
