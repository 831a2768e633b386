import { defineCommand, opt, required, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { UsageError } from "../../lib/errors.js";
import { MAX_LOOKBACK_DAYS } from "../../lib/tags/creators.js";
import { loadPolicy } from "../../lib/tags/inventory.js";
import { checkOrgOptions } from "../../lib/tags/org.js";
import { UNTAGGED_MODES } from "../../lib/tags/plan.js";
import { ruleRecord, type ScheduledEvent } from "../../lib/tags/scheduled-run.js";
import { checkOutputPath } from "../../lib/output-file.js";
import { buildZip, checkFunctionName, checkRoleArn, checkSchedule, functionSettings, MAX_INPUT_CHARS, statementId, TARGET_ID, waitUntilReady } from "../../lib/tags/schedule-deploy.js";
import { validateTopicArn } from "../../lib/tags/enforce.js";
import { checkTypeRules } from "../../lib/tags/resource-types-check.js";
import { checkFanOut, deployStateMachine, DEFAULT_MAP_CONCURRENCY, MAX_MAP_CONCURRENCY, removeStateMachine, warnIfTooLong } from "../../lib/tags/schedule-fan-out.js";
import { optionalPolicyFlags, orgFlags } from "./_shared.js";

const { report: _report, ...runFlags } = orgFlags;

const flags = {
  name: required(opt.string("--name <name>", "the Lambda function and EventBridge rule name"), "pass the function and rule name, e.g. --name tag-policy"),
  ...optionalPolicyFlags,
  ...runFlags,
  enforce: opt.flag("--enforce", "run `tags enforce` on the schedule (default: `tags scan`)"),
  untagged: opt.choice("--untagged <mode>", "with --enforce: what to do with untagged instances", UNTAGGED_MODES, "report"),
  notify: opt.string("--notify <topic-arn>", "with --enforce: publish each run's summary to this SNS topic"),
  lookbackDays: opt.int("--lookback-days <n>", "with --enforce: CloudTrail lookback (1-90)", { min: 1, max: MAX_LOOKBACK_DAYS, defaultValue: MAX_LOOKBACK_DAYS }),
  creatorLookup: opt.flag("--no-creator-lookup", 'with --enforce: skip CloudTrail, UserLookup rules write "Undefined"'),
  propagate: opt.flag("--propagate", "with --enforce: copy the rules' tags from instances to their volumes, network interfaces and snapshots"),
  propagateOverwrite: opt.flag("--propagate-overwrite", "with --enforce --propagate: replace different values on them"),
  schedule: opt.string("--schedule <expression>", 'EventBridge schedule: "rate(1 day)" or "cron(0 6 * * ? *)"'),
  role: opt.string("--role <lambda-role-arn>", "the function's execution role (docs/tags.md lists its policy)"),
  out: opt.string("--out <zip>", "also write the function's zip here"),
  fanOut: opt.flag("--fan-out", "run through a Step Functions state machine: the function once per account (Map), then one summary — for organizations one 15-minute run cannot cover"),
  maxConcurrency: opt.int("--max-concurrency <n>", `with --fan-out: accounts run at once (the Map's MaxConcurrency, 1-${MAX_MAP_CONCURRENCY})`, { min: 1, max: MAX_MAP_CONCURRENCY }),
  fanOutRole: opt.string("--fan-out-role <role-arn>", "with --fan-out: the role the state machine runs as (lambda:InvokeFunction) and EventBridge starts it with (states:StartExecution); docs/tags.md"),
  remove: opt.flag("--remove", "delete the rule's target, the rule, the invoke permission, the function and a --fan-out state machine"),
};

export default defineCommand({
  options: flags,
  help: `
Deploys the post's architecture: a Lambda function <name> (the newest Node.js runtime Lambda supports) holding this tool's tag
engine (built into dist/lambda at npm run build, zipped as index.mjs), an EventBridge rule <name> on
--schedule whose target passes the run's options as the event (the rules themselves when --policy
is a file), and the permission for events.amazonaws.com to invoke it. Rerunning updates all three
(the code upload is skipped when CodeSha256 is unchanged); --remove deletes them.
With --fan-out the rule starts a Step Functions state machine <name> instead: the function lists the
accounts, runs once per account (a Map, --max-concurrency at a time, that account's regions inside),
then once more for the summary and the SNS message. Without it, a run over more targets than
15 minutes allow (about 1 s per target, --concurrency at a time; docs/tags.md) gets a warning.
The function returns the same JSON as \`tags scan|enforce -o json\`; it fails only when no target
could be scanned.
JSON: {"functionArn","ruleArn","schedule","codeSha256"} (+ "stateMachineArn" with --fan-out); with --remove {"removed":{"function","rule","permission","stateMachine"}}.`,
  examples: [
    'awsblog tags schedule --name tag-policy --policy rules.yaml --org --regions us-east-1,eu-west-1 --schedule "rate(1 day)" --role arn:aws:iam::123456789012:role/awsblog-tags',
    'awsblog tags schedule --name tag-policy --policy rules.yaml --resource-types all --enforce --untagged tag --schedule "rate(1 day)" --role arn:aws:iam::123456789012:role/awsblog-tags',
    'awsblog tags schedule --name tag-policy --policy dynamodb://acme_cloud_policy_tagging_def --ou ou-ab12-cd34ef56 --exclude-accounts 111111111111 --regions all --enforce --fan-out --max-concurrency 20 --fan-out-role arn:aws:iam::123456789012:role/awsblog-tags-fan-out --schedule "rate(1 day)" --role arn:aws:iam::123456789012:role/awsblog-tags',
    "awsblog tags schedule --name tag-policy --remove",
  ],
  run: schedule,
});

export interface ScheduleResult {
  functionArn: string;
  ruleArn: string;
  schedule: string;
  codeSha256: string;
  /** --fan-out: the state machine the rule starts. */
  stateMachineArn?: string;
}

export interface RemoveResult {
  removed: { function: boolean; rule: boolean; permission: boolean; stateMachine: boolean };
}

async function schedule(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<ScheduleResult | RemoveResult>> {
  const name = checkFunctionName(options.name);
  if (options.remove) return remove(name, ctx);
  const expression = checkSchedule(options.schedule);
  const role = checkRoleArn(options.role);
  if (options.out !== undefined) await checkOutputPath(options.out, "--out");
  checkOrgOptions(options);
  if (options.notify !== undefined) validateTopicArn(options.notify);
  if (!options.enforce && (options.notify !== undefined || options.untagged !== "report")) {
    throw new UsageError("--notify and --untagged apply to --enforce runs", "add --enforce, or drop them for a scheduled scan");
  }
  if (!options.enforce && (options.propagate || options.propagateOverwrite)) {
    throw new UsageError("--propagate and --propagate-overwrite apply to --enforce runs", "add --enforce, or drop them for a scheduled scan");
  }
  const fanOutRole = checkFanOut(options);
  const event = await scheduledEvent(options, ctx);
  const input = JSON.stringify(event);
  if (input.length > MAX_INPUT_CHARS) {
    throw new UsageError(`the run's options and rules take ${input.length} characters; an EventBridge target's input holds ${MAX_INPUT_CHARS}`, "keep the rules in DynamoDB (--policy dynamodb://Table)");
  }

  // Before anything is deployed: a bad --ou is exit 2 with nothing changed.
  if (!fanOutRole) await warnIfTooLong(options, ctx);
  const { zip, codeSha256 } = await buildZip(options.out);
  const settings = functionSettings(ctx.now());
  const lambda = await ctx.services.lambdaDeploy();
  let fn = await lambda.getFunction(name, ctx.signal);
  if (!fn) {
    ctx.out.info(`creating function ${name}…`);
    fn = await lambda.createFunction(name, zip, { ...settings, role }, ctx.signal);
  } else {
    fn = await waitUntilReady(lambda, name, ctx.services.sleep, ctx.signal);
    // A function left on an older runtime moves first: Lambda refuses code uploads once that runtime's updates are blocked.
    if (fn.runtime !== settings.runtime) {
      ctx.out.info(`function ${name}: runtime ${fn.runtime ?? "none"} → ${settings.runtime}`);
      await lambda.updateConfiguration(name, { ...settings, role }, ctx.signal);
      fn = await waitUntilReady(lambda, name, ctx.services.sleep, ctx.signal);
    }
    if (fn.codeSha256 === codeSha256) ctx.out.info(`function ${name}: code unchanged (CodeSha256 ${codeSha256}), not uploaded`);
    else {
      ctx.out.info(`function ${name}: uploading new code…`);
      fn = await lambda.updateCode(name, zip, undefined, ctx.signal);
    }
    const drift = fn.role !== role || fn.runtime !== settings.runtime || fn.handler !== settings.handler || fn.timeout !== settings.timeout || fn.memorySize !== settings.memorySize;
    if (drift) {
      await waitUntilReady(lambda, name, ctx.services.sleep, ctx.signal);
      fn = await lambda.updateConfiguration(name, { ...settings, role }, ctx.signal);
    }
  }
  const functionArn = fn.functionArn;

  const events = await ctx.services.eventbridge();
  const ruleArn = await events.putScheduleRule(name, expression, `awsblog tags ${event.command} (${event.policy})${fanOutRole ? " fanned out" : ""}`, ctx.signal);
  const permissions = await ctx.services.lambdaSchedule();
  const sid = statementId(name);
  const existing = (await permissions.policyStatements(name, ctx.signal)).find((s) => s.sid === sid);
  let stateMachineArn: string | undefined;
  if (fanOutRole) {
    stateMachineArn = await deployStateMachine(name, functionArn, fanOutRole, options.maxConcurrency ?? DEFAULT_MAP_CONCURRENCY, ctx);
    await events.putTarget(name, { id: TARGET_ID, arn: stateMachineArn, input, roleArn: fanOutRole }, ctx.signal);
    // EventBridge no longer invokes the function itself: its permission from an earlier deploy goes.
    if (existing) await permissions.removePermission(name, sid, ctx.signal);
  } else {
    if (!existing || existing.sourceArn !== ruleArn || existing.principal !== "events.amazonaws.com") {
      if (existing) await permissions.removePermission(name, sid, ctx.signal);
      await permissions.allowInvoke(name, sid, "events.amazonaws.com", ruleArn, ctx.signal);
    }
    await events.putTarget(name, { id: TARGET_ID, arn: functionArn, input }, ctx.signal);
  }

  const data: ScheduleResult = { functionArn, ruleArn, schedule: expression, codeSha256, ...(stateMachineArn ? { stateMachineArn } : {}) };
  const machine = stateMachineArn ? `\nstate machine ${stateMachineArn} (Map over accounts, ${options.maxConcurrency ?? DEFAULT_MAP_CONCURRENCY} at a time)` : "";
  return { data, text: `scheduled ${event.command} ${expression}\nfunction ${functionArn}\nrule     ${ruleArn}${machine}\nCodeSha256 ${codeSha256}${options.out ? `\nzip      ${options.out}` : ""}` };
}

/** The event the rule passes: the run's options, and the validated rules when --policy is a file. */
async function scheduledEvent(options: OptionsOf<typeof flags>, ctx: Context): Promise<ScheduledEvent> {
  const policy = await loadPolicy(options, ctx);
  if (options.enforce) checkTypeRules(policy, { mode: options.untagged, notify: options.notify, dryRun: false, propagate: options.propagate, propagateOverwrite: options.propagateOverwrite });
  const fromTable = options.policy?.startsWith("dynamodb://");
  const event: ScheduledEvent = { command: options.enforce ? "enforce" : "scan", policy: options.policy ?? "" };
  if (!fromTable) event.rules = policy.rules.map(ruleRecord);
  if (options.vpc?.length) event.vpc = options.vpc;
  if (options.filter?.length) event.filter = options.filter;
  if (options.resourceTypes?.length) event.resourceTypes = options.resourceTypes;
  if (options.accounts?.length) event.accounts = options.accounts;
  if (options.org) event.org = true;
  if (options.ou?.length) event.ou = options.ou;
  if (options.excludeAccounts?.length) event.excludeAccounts = options.excludeAccounts;
  if (options.regions?.length) event.regions = options.regions;
  if (options.accounts?.length || options.org || options.ou?.length) event.assumeRole = options.assumeRole;
  if (options.concurrency !== 8) event.concurrency = options.concurrency;
  if (options.enforce) {
    event.untagged = options.untagged;
    if (options.notify) event.notify = options.notify;
    if (options.lookbackDays !== MAX_LOOKBACK_DAYS) event.lookbackDays = options.lookbackDays;
    if (options.creatorLookup === false) event.creatorLookup = false;
    if (options.propagate) event.propagate = true;
    if (options.propagateOverwrite) event.propagateOverwrite = true;
  }
  return event;
}

async function remove(name: string, ctx: Context): Promise<CommandResult<RemoveResult>> {
  const events = await ctx.services.eventbridge();
  const rule = (await events.describeRule(name, ctx.signal)) !== undefined;
  if (rule) {
    await events.removeTarget(name, TARGET_ID, ctx.signal);
    await events.deleteRule(name, ctx.signal);
  }
  const permissions = await ctx.services.lambdaSchedule();
  const permission = (await permissions.policyStatements(name, ctx.signal)).some((s) => s.sid === statementId(name));
  if (permission) await permissions.removePermission(name, statementId(name), ctx.signal);
  // The state machine first: it invokes the function.
  const stateMachine = await removeStateMachine(name, ctx);
  const fn = await permissions.deleteFunction(name, ctx.signal);
  const removed = { function: fn, rule, permission, stateMachine };
  const what = Object.entries(removed).filter(([, v]) => v).map(([k]) => k);
  return { data: { removed }, text: what.length ? `removed ${what.join(", ")} ${name}` : `nothing named ${name} to remove` };
}
