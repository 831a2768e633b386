import type { Ec2Filter } from "../aws/ec2.js";
import { UsageError } from "../errors.js";

/** Instances the policy looks at: never terminated or shutting-down ones. */
export const SCOPED_STATES = ["pending", "running", "stopping", "stopped"];

export interface ScopeOptions {
  vpc?: string[];
  filter?: string[];
}

/**
 * Turns --vpc and --filter into DescribeInstances filters. The state filter is always added
 * (and a user's instance-state-name filter is intersected with it) so the scope can only narrow.
 */
export function buildScope(options: ScopeOptions): Ec2Filter[] {
  const filters: Ec2Filter[] = [];
  const vpcs = options.vpc ?? [];
  for (const vpc of vpcs) {
    if (!/^vpc-[0-9a-f]{8,17}$/.test(vpc)) throw new UsageError(`--vpc "${vpc}" is not a VPC id`, "pass an id like vpc-0abc1234");
  }
  if (vpcs.length) filters.push({ name: "vpc-id", values: [...new Set(vpcs)] });
  let states = SCOPED_STATES;
  for (const raw of options.filter ?? []) {
    const f = parseFilter(raw);
    if (f.name === "instance-state-name") {
      states = states.filter((s) => f.values.includes(s));
      if (states.length === 0) {
        throw new UsageError(`--filter ${raw} selects no state the policy covers`, `use some of: ${SCOPED_STATES.join(", ")}`);
      }
    } else filters.push(f);
  }
  filters.push({ name: "instance-state-name", values: states });
  return filters;
}

/** `Name=tag:Team,Values=a,b` (EC2 CLI syntax) or the short `tag:Team=a,b`. */
export function parseFilter(raw: string): Ec2Filter {
  const long = /^Name=([^,]+),Values=(.+)$/.exec(raw);
  // "Name=x" without Values is a half-written long form, not a filter called "Name".
  const short = raw.startsWith("Name=") ? null : /^([^=]+)=(.+)$/.exec(raw);
  const match = long ?? short;
  const values = match?.[2]?.split(",").map((v) => v.trim()).filter((v) => v !== "") ?? [];
  if (!match || !match[1]?.trim() || values.length === 0) {
    throw new UsageError(`--filter "${raw}" is not Name=Values`, "use e.g. --filter tag:Team=web,api or --filter Name=instance-type,Values=t3.micro");
  }
  return { name: match[1].trim(), values };
}
