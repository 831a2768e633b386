import { Option, type Command } from "commander";
import { collect, positiveInt } from "../../lib/input.js";
import { action } from "../legacy.js";
import type { EnforceOptions } from "./enforce.js";
import type { ScanOptions } from "./scan.js";

const POLICY_HELP = "rules: a .json or .yaml file, or dynamodb://TableName (the post's table, read with a paginated Scan)";
const VPC_HELP = "only instances in this VPC (repeatable)";
const FILTER_HELP = "EC2 filter, Name=tag:Team,Values=a,b or tag:Team=a,b (repeatable)";

const RULES_HELP = `
Rules (the post's DynamoDB attributes), e.g. rules.yaml:
  - { RuleId: 1, TagKey: ProjectCode, Action: Update,     Required: Y, Default: Proj007 }
  - { RuleId: 2, TagKey: CreatedBy,   Action: UserLookup, Required: Y }
  - { RuleId: 3, TagKey: Expires,     Action: Function,   Required: N, Default: "today(+30d)" }
Required Y: a missing key is a violation. Any rule's key present with an empty value is one.
Instances in scope: pending, running, stopping, stopped. Untagged = only aws:* tags.`;

const scanAction = action<ScanOptions>(async () => {
  const { scan } = await import("./scan.js");
  return (options, ctx) => scan(options, ctx);
});

function scanCommand(command: Command): Command {
  return command
    .requiredOption("--policy <source>", POLICY_HELP)
    .option("--vpc <vpc-id>", VPC_HELP, collect)
    .option("--filter <Name=Values>", FILTER_HELP, collect)
    .addHelpText("after", `${RULES_HELP}\nRead-only. Exit 3 when any instance violates the rules.\n\nExample:\n  $ awsblog tags scan --policy rules.yaml --vpc vpc-0abc1234 -o json`)
    .action(scanAction);
}

export function register(program: Command): void {
  const tags = program.command("tags").description("scan and enforce EC2 tag rules from a file or the post's DynamoDB table");
  scanCommand(tags.command("scan").description("report instances that break the tag rules (read-only; exit 3 on violations)"));
  scanCommand(program.command("tag-audit").description("alias of `tags scan`"));

  tags
    .command("enforce")
    .description("fix tags per the rules, in batches; handle untagged instances per --untagged")
    .requiredOption("--policy <source>", POLICY_HELP)
    .option("--vpc <vpc-id>", VPC_HELP, collect)
    .option("--filter <Name=Values>", FILTER_HELP, collect)
    .addOption(new Option("--untagged <mode>", "what to do with untagged instances").choices(["report", "stop", "terminate"]).default("report"))
    .option("--dry-run", "print the plan (CloudTrail lookups included) and change nothing")
    .option("--notify <topic-arn>", 'publish a summary to this SNS topic (subject "Tagging Policy Report")')
    .option("--lookback-days <n>", "how far back to search CloudTrail for RunInstances (1-90)", positiveInt("--lookback-days", { max: 90 }), 90)
    .addHelpText(
      "after",
      `${RULES_HELP}
Update writes Default; UserLookup writes who ran RunInstances (one paced CloudTrail sweep), or
"Undefined"; Function writes today() / today(+Nd) as a UTC date. Existing values are kept.
Auto Scaling members are never stopped or terminated. Exit 0 all done, 4 some failed.

Example:
  $ awsblog tags enforce --policy dynamodb://acme_cloud_policy_tagging_def --vpc vpc-0abc1234 \\
      --untagged stop --notify arn:aws:sns:us-east-1:123456789012:tag-reports --dry-run`,
    )
    .action(
      action<EnforceOptions>(async () => {
        const { enforce } = await import("./enforce.js");
        return (options, ctx) => enforce(options, ctx);
      }),
    );
}
