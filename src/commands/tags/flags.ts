import { opt } from "../../lib/command.js";

/** Flags and help text `tags scan`, `tags enforce` (and `tag-audit`) share (contract §3). */
export const policyFlags = {
  policy: opt.string("--policy <source>", "rules: a .json or .yaml file, or dynamodb://TableName (the post's table, read with a paginated Scan)"),
  vpc: opt.list("--vpc <vpc-id>", "only instances in this VPC (repeatable)"),
  filter: opt.list("--filter <Name=Values>", "EC2 filter, Name=tag:Team,Values=a,b or tag:Team=a,b (repeatable)"),
};

export const RULES_HELP = `
Rules (the post's DynamoDB attributes), e.g. rules.yaml:
  - { RuleId: 1, TagKey: ProjectCode, Action: Update,     Required: Y, Default: Proj007 }
  - { RuleId: 2, TagKey: CreatedBy,   Action: UserLookup, Required: Y }
  - { RuleId: 3, TagKey: Expires,     Action: Function,   Required: N, Default: "today(+30d)" }
Required Y: a missing key is a violation. Any rule's key present with an empty value is one.
Instances in scope: pending, running, stopping, stopped. Untagged = only aws:* tags.`;
