import type { Context } from "../context.js";
import { AwsblogError, AwsError, UsageError } from "../errors.js";
import { fanOutDefinition } from "./fan-out.js";
import { isOrgRun, resolveTargets, type OrgOptions } from "./org.js";
import { checkRoleArn } from "./schedule-deploy.js";

/** An inline Map runs at most 40 iterations at once, whatever MaxConcurrency says. */
export const MAX_MAP_CONCURRENCY = 40;
export const DEFAULT_MAP_CONCURRENCY = 10;
/** Tag on the state machine: this tool made it. */
export const STATE_MACHINE_TAG = { "awsblog:created-by": "tags-schedule" };

/**
 * The time model of an unfanned run (docs/tags.md): targets run `concurrency` at a time, each
 * ≈ SECONDS_PER_TARGET (a DescribeInstances page or two and the per-target CloudTrail
 * sweep; bench/tags measures it), so a run takes ⌈targets / concurrency⌉ × that. Lambda stops a
 * run at 900 s; past WARN_AT of it, CloudTrail sweeps or throttling make finishing unlikely.
 */
export const SECONDS_PER_TARGET = 1;
export const LAMBDA_LIMIT_SECONDS = 900;
export const WARN_AT = 0.75;

export function estimateRunSeconds(targets: number, concurrency: number, secondsPerTarget = SECONDS_PER_TARGET): number {
  return Math.ceil(targets / Math.max(1, concurrency)) * secondsPerTarget;
}

/** Flag checks for --fan-out (exit 2 before any call); returns the role when fanning out. */
export function checkFanOut(options: OrgOptions & { fanOut?: boolean; maxConcurrency?: number; fanOutRole?: string }): string | undefined {
  if (!options.fanOut) {
    if (options.maxConcurrency !== undefined || options.fanOutRole !== undefined) throw new UsageError("--max-concurrency and --fan-out-role apply to --fan-out", "add --fan-out, or drop them");
    return undefined;
  }
  if (!options.accounts?.length && !options.org && !options.ou?.length) {
    throw new UsageError("--fan-out runs the function once per account of --org, --ou or --accounts", "add --org (or --ou <ou-id>, --accounts <ids>), or drop --fan-out for one account");
  }
  if (options.fanOutRole === undefined) {
    throw new UsageError("--fan-out needs --fan-out-role", "pass a role trusted by states.amazonaws.com and events.amazonaws.com that may invoke the function and start the state machine (docs/tags.md)");
  }
  return checkRoleArn(options.fanOutRole, "--fan-out-role");
}

/** arn:<partition>:states:<region>:<account>:stateMachine:<name>, next to the function. */
export function stateMachineArnFor(functionArn: string, name: string): string {
  const [, partition, , region, account] = functionArn.split(":");
  return `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
}

/** Creates or updates the state machine `name` (only when its definition or role changed); returns its ARN. */
export async function deployStateMachine(name: string, functionArn: string, roleArn: string, maxConcurrency: number, ctx: Context): Promise<string> {
  const machines = await ctx.services.stateMachines();
  const definition = fanOutDefinition(functionArn, maxConcurrency);
  const text = JSON.stringify(definition, null, 2);
  const arn = stateMachineArnFor(functionArn, name);
  const existing = await machines.describe(arn, ctx.signal);
  if (!existing) {
    ctx.out.info(`creating state machine ${name}…`);
    return machines.create(name, text, roleArn, STATE_MACHINE_TAG, ctx.signal);
  }
  if (!sameDefinition(existing.definition, definition) || existing.roleArn !== roleArn) {
    ctx.out.info(`state machine ${name}: updating its definition and role`);
    await machines.update(existing.arn, text, roleArn, ctx.signal);
  } else ctx.out.info(`state machine ${name}: unchanged`);
  return existing.arn;
}

function sameDefinition(deployed: string, wanted: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(deployed)) === JSON.stringify(wanted);
  } catch {
    return false;
  }
}

/** --remove: the state machine of an earlier --fan-out deploy; false when there is none. */
export async function removeStateMachine(name: string, ctx: Context): Promise<boolean> {
  const sts = await ctx.services.callerSts();
  const { account, arn: caller } = await sts.callerIdentity(ctx.signal);
  const partition = /^arn:([^:]+):/.exec(caller)?.[1] ?? "aws";
  const arn = stateMachineArnFor(`arn:${partition}:lambda:${await sts.region()}:${account}:function:${name}`, name);
  try {
    return await (await ctx.services.stateMachines()).delete(arn, ctx.signal);
  } catch (error) {
    // A schedule deployed without --fan-out needs no Step Functions rights: not being allowed to look is "none".
    if (error instanceof AwsError && /AccessDenied/.test(error.code)) {
      ctx.out.warn(`could not check for a state machine ${name} (${error.message}); if an earlier --fan-out deploy made one, delete it in the Step Functions console`);
      return false;
    }
    throw error;
  }
}

/**
 * Without --fan-out, before deploying: counts the run's targets (Organizations, DescribeRegions)
 * and warns when the time model says one invocation will not finish in 15 minutes. A count
 * that cannot be made (no Organizations rights for the deployer) is said, not fatal; an OU
 * that does not exist is a usage error (exit 2, nothing deployed).
 */
export async function warnIfTooLong(options: OrgOptions, ctx: Context): Promise<void> {
  if (!isOrgRun(options)) return;
  let targets: number;
  try {
    targets = (await resolveTargets(options, ctx)).targets.length;
  } catch (error) {
    if (!(error instanceof AwsblogError) || error instanceof UsageError) throw error;
    ctx.out.info(`could not count the run's targets to check the 15-minute limit: ${error.message}`);
    return;
  }
  const concurrency = options.concurrency ?? 8;
  const seconds = estimateRunSeconds(targets, concurrency);
  if (seconds >= LAMBDA_LIMIT_SECONDS * WARN_AT) {
    ctx.out.warn(
      `${targets} target(s) at --concurrency ${concurrency} take about ${seconds} s at ~${SECONDS_PER_TARGET} s per target; one Lambda run stops at ${LAMBDA_LIMIT_SECONDS} s — deploy with --fan-out (docs/tags.md, "time model")`,
    );
  }
}
