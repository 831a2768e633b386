import type { OrganizationsApi } from "../aws/organizations.js";
import type { AssumedCredentials, CallerStsApi } from "../aws/sts-caller.js";
import type { Context } from "../context.js";
import { AwsError, FailureError, UsageError } from "../errors.js";
import type { Spinner } from "../output.js";
import type { TargetContext } from "./inventory.js";
import { targetLimiter } from "./limits.js";
import { pacingClock } from "../pacing.js";

/** Contract §9: which accounts and regions a run covers, and how. */
export interface OrgOptions {
  accounts?: string[];
  org?: boolean;
  /** `--ou`: the ACTIVE accounts under these OUs (or roots), recursively. */
  ou?: string[];
  /** `--exclude-accounts`: never a target, whichever way it was selected. */
  excludeAccounts?: string[];
  regions?: string[];
  assumeRole?: string;
  concurrency?: number;
  /** Not a flag: findings held out of target order in memory before a temp file (tests set it low). */
  heldInMemory?: number;
}

export interface Target {
  accountId: string;
  region: string;
}

export const DEFAULT_ROLE = "OrganizationAccountAccessRole";
export const SESSION_NAME = "awsblog-tags";
/** Assumed credentials are used until this long before they expire, then assumed again. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

export function isOrgRun(options: OrgOptions): boolean {
  return Boolean(options.accounts?.length || options.org || options.ou?.length || options.regions?.length);
}

/** Flag checks that need no AWS call (exit 2 before anything runs). */
export function checkOrgOptions(options: OrgOptions): void {
  if (options.accounts?.length && options.org) throw new UsageError("--accounts and --org cannot be combined", "pass --org for every ACTIVE account, or --accounts <id,…>");
  if (options.accounts?.length && options.ou?.length) throw new UsageError("--accounts and --ou cannot be combined", "pass --ou <ou-id> for an organizational unit's accounts, or --accounts <id,…>");
  for (const id of options.accounts ?? []) {
    if (!/^\d{12}$/.test(id)) throw new UsageError(`--accounts: "${id}" is not a 12-digit AWS account id`, "pass --accounts 111111111111,222222222222");
  }
  for (const id of options.excludeAccounts ?? []) {
    if (!/^\d{12}$/.test(id)) throw new UsageError(`--exclude-accounts: "${id}" is not a 12-digit AWS account id`, "pass --exclude-accounts 111111111111,222222222222");
  }
  if (options.excludeAccounts?.length && !options.accounts?.length && !options.org && !options.ou?.length) {
    throw new UsageError("--exclude-accounts needs --org, --ou or --accounts", "add --org (every ACTIVE account) or --ou <ou-id>");
  }
  for (const id of options.ou ?? []) {
    if (!OU_ID.test(id)) throw new UsageError(`--ou: "${id}" is not an organizational unit or root id`, "pass e.g. --ou ou-ab12-cd34ef56 (aws organizations list-organizational-units-for-parent), or a root r-ab12");
  }
  const regions = options.regions ?? [];
  if (regions.includes("all") && regions.length > 1) throw new UsageError("--regions all cannot be combined with named regions", "pass --regions all, or a list such as --regions us-east-1,eu-west-1");
  for (const r of regions) {
    if (r !== "all" && !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(r)) throw new UsageError(`--regions: "${r}" is not a region name`, "pass e.g. --regions us-east-1,eu-west-1 or --regions all");
  }
  if (options.assumeRole !== undefined && !/^[\w+=,.@/-]{1,512}$/.test(options.assumeRole)) {
    throw new UsageError(`--assume-role "${options.assumeRole}" is not an IAM role name`, `pass the role's name (default ${DEFAULT_ROLE}), not its ARN`);
  }
}

/** Organizations' id patterns for an OU (ou-…-…) and a root (r-…). */
const OU_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/** Comma-separated, repeatable: `--accounts a,b --accounts c`. */
export function commaList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}

export interface ResolvedTargets {
  caller: { account: string; arn: string };
  targets: Target[];
}

/** Accounts (--accounts, --org: ACTIVE ones; else the caller's) × regions (--regions, all: DescribeRegions; else the run's region). */
export async function resolveTargets(options: OrgOptions, ctx: Pick<Context, "services" | "signal">): Promise<ResolvedTargets> {
  const sts = await ctx.services.callerSts();
  const { caller, accounts } = await resolveAccounts(options, ctx);
  let regions: string[];
  if (options.regions?.includes("all")) regions = await (await ctx.services.ec2Regions()).enabledRegions(ctx.signal);
  else regions = options.regions?.length ? [...new Set(options.regions)] : [await sts.region()];
  const targets = accounts.flatMap((accountId) => regions.map((region) => ({ accountId, region })));
  return { caller, targets };
}

/** The run's accounts: --ou (recursively), --org (ACTIVE, the caller's own included), --accounts, or the caller's; minus --exclude-accounts. */
export async function resolveAccounts(options: OrgOptions, ctx: Pick<Context, "services" | "signal">): Promise<{ caller: { account: string; arn: string }; accounts: string[] }> {
  const sts = await ctx.services.callerSts();
  const caller = await sts.callerIdentity(ctx.signal);
  let accounts: string[];
  if (options.ou?.length) {
    // Exactly the OUs' accounts: the caller's own account only when it sits in one of them.
    accounts = await accountsUnder(options.ou, await ctx.services.organizations(), ctx.signal);
  } else if (options.org) {
    const listed = await (await ctx.services.organizations()).listAccounts(ctx.signal);
    // The caller's own account is always a target (contract §9), even where the listing
    // leaves it out: a delegated administrator, or an organization not answering fully.
    accounts = [...new Set([caller.account, ...listed.filter((a) => a.status === "ACTIVE").map((a) => a.id)])];
  } else accounts = options.accounts?.length ? [...new Set(options.accounts)] : [caller.account];
  const excluded = new Set(options.excludeAccounts ?? []);
  const kept = accounts.filter((a) => !excluded.has(a));
  if (kept.length === 0 && accounts.length > 0) {
    throw new UsageError(`--exclude-accounts leaves no account of the ${accounts.length} selected`, "exclude fewer accounts, or choose others with --ou/--accounts");
  }
  if (kept.length === 0) throw new FailureError(`no ACTIVE account under ${options.ou!.join(", ")}`, "check the OU id (aws organizations list-children --child-type ACCOUNT --parent-id <ou>)");
  return { caller, accounts: kept };
}

/**
 * The ACTIVE accounts under organizational units or roots, recursively: ListAccountsForParent
 * for each unit's own accounts, ListChildren (ORGANIZATIONAL_UNIT) for the units below it.
 * An OU that does not exist is a usage error naming it.
 */
export async function accountsUnder(parents: string[], api: OrganizationsApi, signal?: AbortSignal): Promise<string[]> {
  const accounts = new Set<string>();
  const seen = new Set<string>();
  const queue = [...new Set(parents)].map((id) => ({ id, root: id }));
  while (queue.length > 0 && !signal?.aborted) {
    const { id, root } = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    try {
      for (const a of await api.listAccountsForParent(id, signal)) if (a.status === "ACTIVE") accounts.add(a.id);
      for (const child of await api.listChildOus(id, signal)) queue.push({ id: child, root });
    } catch (error) {
      if (error instanceof AwsError && error.code === "ParentNotFoundException") {
        throw new UsageError(`--ou ${root}: the organization has no such organizational unit or root`, "list them with `aws organizations list-organizational-units-for-parent --parent-id <root>`");
      }
      throw error;
    }
  }
  return [...accounts];
}

type CredentialProvider = () => Promise<AssumedCredentials>;

/**
 * One refreshing credential provider per member account (shared by all its regions and
 * clients): AssumeRole once, reuse until 5 minutes before expiry. The caller's own account
 * gets undefined: its own credentials.
 */
export function credentialsPerAccount(caller: { account: string; arn: string }, roleName: string, sts: CallerStsApi, now: () => number = Date.now) {
  const partition = /^arn:([^:]+):/.exec(caller.arn)?.[1] ?? "aws";
  const providers = new Map<string, CredentialProvider>();
  let assumed = 0;
  const providerFor = (accountId: string): CredentialProvider | undefined => {
    if (accountId === caller.account) return undefined;
    let provider = providers.get(accountId);
    if (!provider) {
      let current: Promise<AssumedCredentials> | undefined;
      let expiresAt = 0;
      provider = () => {
        if (!current || expiresAt - now() < REFRESH_BEFORE_MS) {
          assumed++;
          const pending = sts.assumeRole(`arn:${partition}:iam::${accountId}:role/${roleName}`, SESSION_NAME);
          current = pending.then((c) => ((expiresAt = c.expiration.getTime()), c));
          // A failed AssumeRole is not cached as "fresh": the next caller tries again.
          expiresAt = Infinity;
          current.catch(() => (expiresAt = 0));
        }
        return current;
      };
      providers.set(accountId, provider);
    }
    return provider;
  };
  return { providerFor, assumed: () => assumed };
}

/**
 * The one way an org run gets a target's context: derived from the run's `ctx` — the target's
 * AWS APIs from `ctx.services.forTarget` (its region, credentials and per-API buckets paced by
 * the run's clock and sleep), the run's wall clock and Ctrl-C, and output through `progress`.
 */
export function targetContext(ctx: Pick<Context, "services" | "now" | "signal" | "out">, target: Target, credentials: CredentialProvider | undefined, progress: TargetProgress): TargetContext {
  const services = ctx.services.forTarget({ accountId: target.accountId, region: target.region, credentials, limiter: targetLimiter(pacingClock(ctx.services)) });
  const label = `${target.accountId}/${target.region}`;
  return {
    oneOfMany: true,
    services,
    now: ctx.now,
    signal: ctx.signal,
    out: {
      spinner: (text) => progress.line(label, text),
      info: (message) => progress.info(`${label}: ${message}`),
      warn: (message) => ctx.out.warn(`${label}: ${message}`),
    },
  };
}

/** Runs `work` over the targets, at most `concurrency` at a time; after Ctrl-C no new target starts. */
export async function forEachTarget<T>(targets: T[], concurrency: number, signal: AbortSignal, work: (target: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < targets.length && !signal.aborted) await work(targets[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
}

/** Progress of an org run: the output layer's board, one line per running target. */
export interface TargetProgress {
  line(label: string, text: string): Spinner;
  info(message: string): void;
  /** The target finished; `summary` undefined: say nothing (an empty target, summed up later). */
  done(label: string, summary: string | undefined): void;
  close(): void;
}

export function createTargetProgress(ctx: Pick<Context, "out">): TargetProgress {
  const board = ctx.out.board();
  return {
    line(label, text) {
      board.set(label, text);
      return { update: (next) => board.set(label, next), stop: () => {} };
    },
    info: (message) => board.info(message),
    done: (label, summary) => board.done(label, summary === undefined ? undefined : `${label}: ${summary}`),
    close: () => board.close(),
  };
}
