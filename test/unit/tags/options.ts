import type { EnforceOptions } from "../../../src/lib/tags/enforce.js";

const RULES = "test/fixtures/tags/rules.yaml";

/** Every option of `tags enforce` at its default (as commander would pass them), with overrides. */
export const options = (extra: Partial<EnforceOptions>): EnforceOptions => ({
  policy: RULES, vpc: undefined, filter: undefined, untagged: "report", dryRun: undefined, notify: undefined, lookbackDays: 90, creatorLookup: true,
  accounts: undefined, org: undefined, regions: undefined, assumeRole: "OrganizationAccountAccessRole", concurrency: 8, report: undefined,
  ...extra,
});
