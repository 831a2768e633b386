import { defineCommand, opt } from "../../lib/command.js";
import { MAX_LOOKBACK_DAYS } from "../../lib/tags/creators.js";
import { enforce } from "../../lib/tags/enforce.js";
import { UNTAGGED_MODES } from "../../lib/tags/plan.js";
import { ORG_HELP, orgFlags, policyFlags, RULES_HELP } from "./_shared.js";

const flags = {
  ...policyFlags,
  ...orgFlags,
  untagged: opt.choice("--untagged <mode>", "what to do with untagged instances", UNTAGGED_MODES, "report"),
  dryRun: opt.flag("--dry-run", "print the plan (CloudTrail lookups included) and change nothing"),
  notify: opt.string("--notify <topic-arn>", 'publish a summary to this SNS topic (subject "Tagging Policy Report")'),
  lookbackDays: opt.int("--lookback-days <n>", "how far back to search CloudTrail for RunInstances (1-90)", { min: 1, max: MAX_LOOKBACK_DAYS, defaultValue: MAX_LOOKBACK_DAYS }),
  creatorLookup: opt.flag("--no-creator-lookup", 'skip the CloudTrail lookup: UserLookup rules write "Undefined"'),
};

/** `tags enforce`: the logic is lib/tags/enforce.ts (the scheduled Lambda calls it too). */
export default defineCommand({
  options: flags,
  help: `${RULES_HELP}
Update writes Default; UserLookup writes who ran RunInstances (one paced CloudTrail sweep), or "Undefined" when CloudTrail has no creator for it.
When CloudTrail is denied or unreachable the creator is left unset for the next run: a warning says so, the action's result is "deferred" and JSON counts them in "deferred"; the other fixes go on.
Function writes today() / today(+Nd) as a UTC date. Existing values are kept.
Auto Scaling members are never stopped or terminated. Exit 0 all done, 4 some failed.
${ORG_HELP}`,
  examples: [
    "awsblog tags enforce --policy dynamodb://acme_cloud_policy_tagging_def --vpc vpc-0abc1234 --untagged stop --notify arn:aws:sns:us-east-1:123456789012:tag-reports --dry-run",
    "awsblog tags enforce --policy rules.yaml --accounts 111111111111,222222222222 --regions us-east-1,eu-west-1 --report actions.csv",
    "awsblog tags enforce --policy rules.yaml --org --exclude-accounts 111111111111 --regions all --report actions.jsonl --dry-run",
  ],
  run: enforce,
});
