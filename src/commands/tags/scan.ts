import { defineCommand } from "../../lib/command.js";
import { scan } from "../../lib/tags/scan.js";
import { ORG_HELP, orgFlags, policyFlags, RULES_HELP } from "./_shared.js";

const flags = { ...policyFlags, ...orgFlags };

/** `tags scan` / `tag-audit`: the logic is lib/tags/scan.ts (the scheduled Lambda calls it too). */
export default defineCommand({
  options: flags,
  help: `${RULES_HELP}\n${ORG_HELP}
Across targets, -o json is written as targets finish (violations in target order, then "targets", "scanned", "compliant"), holding counts rather than findings; Ctrl-C closes it with "interrupted": true. --report x.jsonl writes JSON Lines.
Read-only. Findings of --resource-types runs carry resourceType and arn. Exit 3 when any resource violates the rules, 4 when a target failed.`,
  examples: [
    "awsblog tags scan --policy rules.yaml --vpc vpc-0abc1234 -o json",
    "awsblog tags scan --policy rules.yaml --org --regions all --report tags.csv",
    "awsblog tags scan --policy rules.yaml --ou ou-ab12-cd34ef56 --exclude-accounts 111111111111 --regions us-east-1,eu-west-1 -o json > findings.json",
    "awsblog tags scan --policy rules.yaml --org --regions all --report findings.jsonl -q",
    "awsblog tags scan --policy rules.yaml --resource-types ec2:instance,s3,lambda:function,dynamodb:table -o json",
  ],
  run: scan,
});
