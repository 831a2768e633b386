import type { Ec2Filter, Ec2Instance } from "../aws/ec2.js";
import type { Context } from "../context.js";
import type { Services } from "../services.js";
import { evaluateInstance, evaluateTags, type EvaluateOptions, type Finding } from "./evaluate.js";
import { loadRules, parsePolicySource } from "./policy-source.js";
import { validateRules, type TagRule } from "./rules.js";
import { arnInfo, EC2_INSTANCE, parseResourceTypes, type ResourceTypes } from "./resource-types.js";
import { buildScope } from "./scope.js";

/** Options scan and enforce share (contract §3). */
export interface PolicyOptions {
  policy?: string;
  vpc?: string[];
  filter?: string[];
  /** `--resource-types <list>|all` (default ec2:instance). */
  resourceTypes?: string[];
}

/** The rules and the DescribeInstances filters of a run: checked once, before any target runs. */
export interface Policy {
  rules: TagRule[];
  filters: Ec2Filter[];
  /** The scope flags given ("--vpc", "--filter", "--vpc/--filter"; "" for none), for messages. */
  scopeFlags?: string;
  /** Which resource types the run covers (absent: EC2 instances only, the post's scope). */
  types?: ResourceTypes;
  /** `--untagged tag`: untagged resources get the rules' fixes. */
  evaluate?: EvaluateOptions;
}

/**
 * What one target (an account × region, or the caller's own) needs: its AWS APIs, the clock,
 * Ctrl-C, and somewhere to say what it is doing. The CLI passes its own context; an org run
 * and the scheduled Lambda pass one per target.
 */
export interface TargetContext {
  /** One target of an org run: empty targets are summed up by the run, not warned about each. */
  oneOfMany?: boolean;
  services: Pick<Services, "ec2" | "cloudtrail" | "sleep" | "monotonicNow"> & Partial<Pick<Services, "tagging" | "dispose">>;
  now: () => Date;
  signal: AbortSignal;
  out: Pick<Context["out"], "spinner" | "info" | "warn">;
}

/** A resource other than an EC2 instance, as GetResources listed it. */
export interface OtherResource {
  arn: string;
  resourceType: string;
  name: string;
  tags: Record<string, string>;
}

export interface Inventory {
  instances: Map<string, Ec2Instance>;
  /** Resources GetResources listed (runs with --resource-types other than ec2:instance), by ARN. */
  resources: Map<string, OtherResource>;
  findings: Finding[];
}

/** Validates flags and rules (exit 2 before any call that matters). `inline` are rules the Lambda event carries. */
export async function loadPolicy(options: PolicyOptions & { inlineRules?: unknown }, ctx: Pick<Context, "services" | "signal">): Promise<Policy> {
  const filters = buildScope(options);
  const types = parseResourceTypes(options.resourceTypes);
  const scopeFlags = [options.vpc?.length ? "--vpc" : "", options.filter?.length ? "--filter" : ""].filter(Boolean).join("/");
  const withTypes = (p: Policy): Policy => (types.explicit ? { ...p, types } : p);
  if (options.inlineRules !== undefined) return withTypes({ rules: validateRules(options.inlineRules, options.policy ?? "event.rules"), filters, scopeFlags });
  const source = parsePolicySource(options.policy);
  const rules = await loadRules(source, { signal: ctx.signal, dynamo: () => ctx.services.dynamodb() });
  return withTypes({ rules, filters, scopeFlags });
}

/** "no … instance matched --vpc" naming only the scope flags that were given (and --resource-types when other types are in). */
export function noInstanceText(policy: Pick<Policy, "scopeFlags" | "types">): string {
  if (policy.types?.others) return `no ${policy.types.instances ? "instance or other " : ""}resource of --resource-types${policy.scopeFlags ? ` (instances: ${policy.scopeFlags})` : ""}`;
  return `no pending, running, stopping or stopped instance${policy.scopeFlags ? ` matched ${policy.scopeFlags}` : ""}`;
}

/** Lists the instances in scope in one target and checks each against the rules. */
export async function takeInventory(policy: Policy, ctx: TargetContext): Promise<Inventory> {
  const instances = new Map<string, Ec2Instance>();
  const resources = new Map<string, OtherResource>();
  const types = policy.types;
  if (!types || types.instances) {
    const ec2 = await ctx.services.ec2();
    const spinner = ctx.out.spinner("listing instances…");
    try {
      for await (const page of ec2.describeInstances(policy.filters, ctx.signal)) {
        for (const i of page) instances.set(i.instanceId, i);
        spinner.update(`listing instances… ${instances.size}`);
      }
    } finally {
      spinner.stop();
    }
    // An org run sums its empty targets up in one line (summarizeEmptyTargets); one target says it here.
    if (instances.size === 0 && !ctx.oneOfMany && !types?.others) ctx.out.warn(`${noInstanceText(policy)} in this region`);
  }
  if (types?.others) await listOtherResources(types, ctx, resources);
  const now = ctx.now();
  const findings: Finding[] = [...instances.values()].map((i) => {
    const f = evaluateInstance(i, policy.rules, now, policy.evaluate);
    return types?.explicit ? { ...f, resourceType: EC2_INSTANCE, arn: i.arn ?? null } : f;
  });
  for (const r of resources.values()) {
    const f = evaluateTags({ id: r.arn, vpcId: null, state: "-", tags: r.tags }, policy.rules, now, policy.evaluate);
    findings.push({ ...f, resourceType: r.resourceType, arn: r.arn });
  }
  return { instances, resources, findings };
}

/** GetResources (every page) for the run's types; instances are DescribeInstances' (state, VPC, Auto Scaling). */
async function listOtherResources(types: ResourceTypes, ctx: TargetContext, into: Map<string, OtherResource>): Promise<void> {
  if (!ctx.services.tagging) throw new Error("the Resource Groups Tagging API was not provided");
  const tagging = await ctx.services.tagging();
  const spinner = ctx.out.spinner("listing resources (GetResources)…");
  try {
    for await (const page of tagging.getResources(types.filters, ctx.signal)) {
      for (const { arn, tags } of page) {
        const info = arnInfo(arn);
        if (info.resourceType === EC2_INSTANCE) continue;
        into.set(arn, { arn, resourceType: info.resourceType, name: info.name, tags });
      }
      spinner.update(`listing resources… ${into.size}`);
    }
  } finally {
    spinner.stop();
  }
}
