import { defineCommand } from "../../lib/command.js";
import { scan } from "../../lib/tags/scan.js";
import { ORG_HELP, orgFlags, policyFlags, RULES_HELP } from "./_shared.js";

const flags = { ...policyFlags, ...orgFlags };

/** `tags scan` / `tag-audit`: the logic is lib/tags/scan.ts (the scheduled Lambda calls it too). */
export default defineCommand({
  options: flags,
  help: `${RULES_HELP}\n${ORG_HELP}\nRead-only. Findings of --resource-types runs carry resourceType and arn. Exit 3 when any resource violates the rules, 4 when a target failed.`,
  examples: [
    "awsblog tags scan --policy rules.yaml --vpc vpc-0abc1234 -o json",
    "awsblog tags scan --policy rules.yaml --org --regions all --report tags.csv",
    "awsblog tags scan --policy rules.yaml --resource-types ec2:instance,s3,lambda:function,dynamodb:table -o json",
  ],
  run: scan,
});
