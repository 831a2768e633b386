import type { CloudTrailApi } from "../../lib/aws/cloudtrail.js";
import type { DynamoDbApi } from "../../lib/aws/dynamodb.js";
import type { Ec2Api, Ec2Instance } from "../../lib/aws/ec2.js";
import type { SnsApi } from "../../lib/aws/sns.js";
import type { Context } from "../../lib/context.js";
import { evaluateInstance, type Finding } from "../../lib/tags/evaluate.js";
import type { Clock } from "../../lib/tags/pacer.js";
import { loadRules, parsePolicySource } from "../../lib/tags/policy-source.js";
import type { TagRule } from "../../lib/tags/rules.js";
import { buildScope } from "../../lib/tags/scope.js";

/** Options scan and enforce share (contract §3). */
export interface PolicyOptions {
  policy?: string;
  vpc?: string[];
  filter?: string[];
}

/** AWS access and clock, injectable so tests can hand in fakes. */
export interface TagsDeps {
  ec2?: Ec2Api;
  cloudtrail?: CloudTrailApi;
  dynamo?: DynamoDbApi;
  sns?: SnsApi;
  clock?: Clock;
}

export interface Inventory {
  rules: TagRule[];
  instances: Map<string, Ec2Instance>;
  findings: Finding[];
}

/** Validates flags and rules (exit 2 before any call that matters), then lists and checks the instances in scope. */
export async function takeInventory(options: PolicyOptions, ctx: Context, deps: TagsDeps): Promise<Inventory> {
  const source = parsePolicySource(options.policy);
  const filters = buildScope(options);
  const rules = await loadRules(source, {
    signal: ctx.signal,
    dynamo: async () => deps.dynamo ?? (await import("../../lib/aws/dynamodb.js")).createDynamoDbApi(ctx.aws),
  });
  const ec2 = deps.ec2 ?? (await (await import("../../lib/aws/ec2.js")).createEc2Api(ctx.aws));
  const spinner = ctx.out.spinner("listing instances…");
  const instances = new Map<string, Ec2Instance>();
  try {
    for await (const page of ec2.describeInstances(filters, ctx.signal)) {
      for (const i of page) instances.set(i.instanceId, i);
      spinner.update(`listing instances… ${instances.size}`);
    }
  } finally {
    spinner.stop();
  }
  if (instances.size === 0) ctx.out.warn("no pending, running, stopping or stopped instance matched --vpc/--filter in this region");
  const now = ctx.now();
  const findings = [...instances.values()].map((i) => evaluateInstance(i, rules, now));
  return { rules, instances, findings };
}
