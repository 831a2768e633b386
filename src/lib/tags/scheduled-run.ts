import { createAwsClientFactory } from "../aws/factory.js";
import { FailureError, UsageError } from "../errors.js";
import { createOutput, type OutputStream } from "../output.js";
import { createContext } from "../run.js";
import type { Context } from "../context.js";
import type { Services } from "../services.js";
import { enforce } from "./enforce.js";
import { DEFAULT_ROLE, type OrgOptions } from "./org.js";
import { scan } from "./scan.js";
import type { TagRule } from "./rules.js";
import type { UntaggedMode } from "./plan.js";

/**
 * What `tags schedule` puts in the EventBridge target's Input: the run's options, with the
 * rules themselves when --policy was a file (the function has no access to the caller's disk).
 */
export interface ScheduledEvent extends OrgOptions {
  command: "scan" | "enforce";
  /** dynamodb://Table, or the rules file's name (for messages) when `rules` is set. */
  policy: string;
  rules?: Record<string, unknown>[];
  vpc?: string[];
  filter?: string[];
  untagged?: UntaggedMode;
  /** `--resource-types` (absent: ec2:instance). */
  resourceTypes?: string[];
  /** `--propagate` / `--propagate-overwrite`. */
  propagate?: boolean;
  propagateOverwrite?: boolean;
  notify?: string;
  lookbackDays?: number;
  creatorLookup?: boolean;
}

/** A validated rule back in the post's attribute names (the form rules files and the table use). */
export function ruleRecord(rule: TagRule): Record<string, unknown> {
  return {
    RuleId: rule.ruleId,
    TagKey: rule.tagKey,
    Action: rule.action,
    Required: rule.required ? "Y" : "N",
    ...(rule.default !== undefined ? { Default: rule.default } : {}),
    ...(rule.allowedValues ? { AllowedValues: rule.allowedValues } : {}),
    ...(rule.normalize ? { Normalize: rule.normalize } : {}),
    ...(rule.caseInsensitive !== undefined ? { NormalizeCase: rule.caseInsensitive ? "insensitive" : "sensitive" } : {}),
    ...(rule.graceDays !== undefined ? { GraceDays: rule.graceDays } : {}),
    ...(rule.propagate !== undefined ? { Propagate: rule.propagate ? "Y" : "N" } : {}),
  };
}

export interface ScheduledRunHost {
  env: NodeJS.ProcessEnv;
  /** Logs (CloudWatch Logs in Lambda). */
  stderr: OutputStream;
  now?: () => Date;
  services?: Partial<Services>;
}

/**
 * Runs a scheduled event through the same `scan` / `enforce` functions the CLI calls
 * (lib/tags/scan.ts, enforce.ts), on a
 * context built from the function's environment, and returns the document `-o json` prints.
 * Throws only when no target could be scanned (contract §9).
 */
export async function runScheduledEvent(event: ScheduledEvent, host: ScheduledRunHost): Promise<unknown> {
  const data = await runEvent(event, scheduledContext(host));
  const targets = (data as { targets?: { status: string; error?: string }[] }).targets;
  if (targets && targets.length > 0 && targets.every((t) => t.status === "failed")) {
    const first = (targets[0]!.error ?? "unknown").split(" — ")[0];
    throw new FailureError(`no target could be scanned (${targets.length} failed); first error: ${first}`, "check the member role and the function role's sts:AssumeRole permission");
  }
  return data;
}

/** A run's context inside the function: its environment, its log, JSON results kept whole. */
export function scheduledContext(host: ScheduledRunHost): Context {
  const globals = { region: host.env.AWS_REGION, output: "json" as const, color: false, quiet: false, debug: false };
  const out = createOutput({ ...globals, format: "json", stdout: { write: () => true }, stderr: host.stderr, env: {} });
  const controller = new AbortController();
  const aws = createAwsClientFactory({ region: globals.region, env: host.env, userAgent: { name: "awsblog-tags-lambda", version: "1" } });
  return createContext({ globals, out, aws, signal: controller.signal, io: { ...host, stdin: process.stdin } });
}

/** The event's command through `scan` / `enforce`; the document `-o json` prints. */
export async function runEvent(event: ScheduledEvent, ctx: Context): Promise<unknown> {
  if (!event || (event.command !== "scan" && event.command !== "enforce")) throw new UsageError('the event has no "command" (scan or enforce)', "deploy it with awsblog tags schedule");
  const common = {
    policy: event.policy,
    inlineRules: event.rules,
    vpc: event.vpc,
    filter: event.filter,
    resourceTypes: event.resourceTypes,
    accounts: event.accounts,
    org: event.org,
    ou: event.ou,
    excludeAccounts: event.excludeAccounts,
    regions: event.regions,
    assumeRole: event.assumeRole ?? DEFAULT_ROLE,
    concurrency: event.concurrency ?? 8,
    report: undefined,
  };
  const result =
    event.command === "scan"
      ? await scan(common, ctx)
      : await enforce(
          {
            ...common,
            untagged: event.untagged ?? "report",
            dryRun: false,
            notify: event.notify,
            lookbackDays: event.lookbackDays ?? 90,
            creatorLookup: event.creatorLookup !== false,
            propagate: event.propagate,
            propagateOverwrite: event.propagateOverwrite,
          },
          ctx,
        );
  return result.data;
}
