import type { Ec2Filter, Ec2Instance } from "../aws/ec2.js";
import type { Context } from "../context.js";
import type { Services } from "../services.js";
import { evaluateInstance, type Finding } from "./evaluate.js";
import { loadRules, parsePolicySource } from "./policy-source.js";
import { validateRules, type TagRule } from "./rules.js";
import { buildScope } from "./scope.js";

/** Options scan and enforce share (contract §3). */
export interface PolicyOptions {
  policy?: string;
  vpc?: string[];
  filter?: string[];
}

/** The rules and the DescribeInstances filters of a run: checked once, before any target runs. */
export interface Policy {
  rules: TagRule[];
  filters: Ec2Filter[];
  /** The scope flags given ("--vpc", "--filter", "--vpc/--filter"; "" for none), for messages. */
  scopeFlags?: string;
}

/**
 * What one target (an account × region, or the caller's own) needs: its AWS APIs, the clock,
 * Ctrl-C, and somewhere to say what it is doing. The CLI passes its own context; an org run
 * and the scheduled Lambda pass one per target.
 */
export interface TargetContext {
  /** One target of an org run: empty targets are summed up by the run, not warned about each. */
  oneOfMany?: boolean;
  services: Pick<Services, "ec2" | "cloudtrail" | "sleep" | "monotonicNow">;
  now: () => Date;
  signal: AbortSignal;
  out: Pick<Context["out"], "spinner" | "info" | "warn">;
}

export interface Inventory {
  instances: Map<string, Ec2Instance>;
  findings: Finding[];
}

/** Validates flags and rules (exit 2 before any call that matters). `inline` are rules the Lambda event carries. */
export async function loadPolicy(options: PolicyOptions & { inlineRules?: unknown }, ctx: Pick<Context, "services" | "signal">): Promise<Policy> {
  const filters = buildScope(options);
  const scopeFlags = [options.vpc?.length ? "--vpc" : "", options.filter?.length ? "--filter" : ""].filter(Boolean).join("/");
  if (options.inlineRules !== undefined) return { rules: validateRules(options.inlineRules, options.policy ?? "event.rules"), filters, scopeFlags };
  const source = parsePolicySource(options.policy);
  const rules = await loadRules(source, { signal: ctx.signal, dynamo: () => ctx.services.dynamodb() });
  return { rules, filters, scopeFlags };
}

/** "no … instance matched --vpc" naming only the scope flags that were given. */
export function noInstanceText(policy: Pick<Policy, "scopeFlags">): string {
  return `no pending, running, stopping or stopped instance${policy.scopeFlags ? ` matched ${policy.scopeFlags}` : ""}`;
}

/** Lists the instances in scope in one target and checks each against the rules. */
export async function takeInventory(policy: Policy, ctx: TargetContext): Promise<Inventory> {
  const ec2 = await ctx.services.ec2();
  const spinner = ctx.out.spinner("listing instances…");
  const instances = new Map<string, Ec2Instance>();
  try {
    for await (const page of ec2.describeInstances(policy.filters, ctx.signal)) {
      for (const i of page) instances.set(i.instanceId, i);
      spinner.update(`listing instances… ${instances.size}`);
    }
  } finally {
    spinner.stop();
  }
  // An org run sums its empty targets up in one line (summarizeEmptyTargets); one target says it here.
  if (instances.size === 0 && !ctx.oneOfMany) ctx.out.warn(`${noInstanceText(policy)} in this region`);
  const now = ctx.now();
  const findings = [...instances.values()].map((i) => evaluateInstance(i, policy.rules, now));
  return { instances, findings };
}
