import { opt, required } from "../../lib/command.js";
import { commaList, DEFAULT_ROLE } from "../../lib/tags/org.js";

/**
 * Not a verb (a leading "_" marks a group's shared file): flags and help text `tags scan`,
 * `tags enforce` (and `tag-audit`) and `tags schedule` share (contract §3).
 */
const policyFlag = opt.string("--policy <source>", "rules: a .json or .yaml file, or dynamodb://TableName (the post's table, read with a paginated Scan)");

export const policyFlags = {
  policy: required(policyFlag, "pass a rules file (rules.json, rules.yaml) or dynamodb://TableName"),
  vpc: opt.list("--vpc <vpc-id>", "only instances in this VPC (repeatable)"),
  filter: opt.list("--filter <Name=Values>", "EC2 filter, Name=tag:Team,Values=a,b or tag:Team=a,b (repeatable)"),
  resourceTypes: opt.custom(
    "--resource-types <types|all>",
    "resource types to check (comma-separated, Tagging API form: ec2:instance,s3,lambda:function,dynamodb:table…) or all; default ec2:instance",
    commaList,
  ),
};

/** `tags schedule --remove` needs no rules: there --policy is checked only when deploying. */
export const optionalPolicyFlags = { ...policyFlags, policy: policyFlag };

export const RULES_HELP = `
Rules (the post's DynamoDB attributes), e.g. rules.yaml:
  - { RuleId: 1, TagKey: ProjectCode, Action: Update, Required: Y, Default: Proj007 }
  - { RuleId: 2, TagKey: CreatedBy, Action: UserLookup, Required: Y }
  - { RuleId: 3, TagKey: Expires, Action: Function, Required: N, Default: "today(+30d)" }
  - { RuleId: 4, TagKey: Environment, Action: Update, Required: Y, Default: Production, AllowedValues: [Production, Staging], Normalize: { prod: Production }, NormalizeCase: insensitive }
  - { RuleId: 5, TagKey: Owner, Action: Stop, Required: Y, GraceDays: 7 }
Required Y: a missing key is a violation. Any rule's key present with an empty value is one; so is a value outside AllowedValues.
Instances in scope: pending, running, stopping, stopped. Untagged = only aws:* tags.
Other types (--resource-types) are read with GetResources, which lists only resources that have (or had) tags; --vpc/--filter narrow instances only.`;

/** Contract §9: the same commands over accounts × regions. */
export const orgFlags = {
  accounts: opt.custom("--accounts <ids>", "run in these accounts (comma-separated 12-digit ids, repeatable)", commaList),
  org: opt.flag("--org", "run in every ACTIVE account of the organization (Organizations ListAccounts), yours included"),
  ou: opt.custom("--ou <ou-id>", "run in the ACTIVE accounts under this organizational unit (or root), recursively (repeatable, comma-separated)", commaList),
  excludeAccounts: opt.custom("--exclude-accounts <ids>", "never run in these accounts (comma-separated 12-digit ids, repeatable), with --org, --ou or --accounts", commaList),
  regions: opt.custom("--regions <regions|all>", "run in these regions (comma-separated), or all regions enabled for your account", commaList),
  assumeRole: opt.stringWithDefault("--assume-role <name>", "role assumed in each other account (your own account uses your credentials)", DEFAULT_ROLE),
  concurrency: opt.int("--concurrency <n>", "targets (account × region) run at once", { min: 1, max: 64, defaultValue: 8 }),
  report: opt.string("--report <file>", "also write a per-instance report: file.csv, file.json or file.jsonl (JSON Lines); rows written as the run goes"),
};

export const ORG_HELP = `
Across accounts and regions (--accounts/--org/--ou, minus --exclude-accounts, × --regions): each account × region is a target with its own credentials (AssumeRole, session awsblog-tags), clients, request buckets and CloudTrail pacing.
JSON adds accountId/region to every finding and a "targets" list; a target that fails (role denied, region disabled, throttled out) is listed with its AWS error, the others go on, and the exit code is 4.
--ou <ou-id> takes the ACTIVE accounts under an organizational unit and its children; --exclude-accounts leaves accounts out (yours too).`;
