import type { CloudTrailApi, RunInstancesEvent } from "../aws/cloudtrail.js";

/** Written when CloudTrail cannot tell who launched an instance (the post's convention). */
export const UNDEFINED_CREATOR = "Undefined";

/** CloudTrail event history (LookupEvents) reaches 90 days back. */
export const MAX_LOOKBACK_DAYS = 90;

const DAY_MS = 86_400_000;
// EC2 records the ENI attach/launch time a little after the RunInstances call.
const SLACK_MS = 15 * 60_000;

export interface CreatorSweep {
  creators: Map<string, string>;
  pages: number;
  events: number;
  window?: { start: Date; end: Date };
}

export interface SweepDeps {
  /** Already rate-limited (see createCloudTrailApi's beforeSend): the sweep is sequential. */
  api: CloudTrailApi;
  now: Date;
  lookbackDays: number;
  signal?: AbortSignal;
}

/**
 * Who launched each wanted instance, from ONE paginated sweep of RunInstances events over the
 * window covering their launch times (not one lookup per instance): LookupEvents allows 2
 * requests/s per region and returns 50 events a page, newest first; the api paces the calls. The sweep stops as soon
 * as every instance is attributed or the events are older than any instance still wanted.
 */
export async function findCreators(wanted: Map<string, Date | undefined>, deps: SweepDeps): Promise<CreatorSweep> {
  const result: CreatorSweep = { creators: new Map(), pages: 0, events: 0 };
  const end = deps.now;
  const oldestAllowed = new Date(end.getTime() - deps.lookbackDays * DAY_MS);
  // Instances launched before the lookback window cannot be found: don't wait for them.
  const remaining = new Map([...wanted].filter(([, seen]) => !seen || seen.getTime() + SLACK_MS >= oldestAllowed.getTime()));
  if (remaining.size === 0) return result;
  const earliest = Math.min(...[...remaining.values()].map((seen) => (seen ? seen.getTime() - SLACK_MS : 0)));
  const start = new Date(Math.max(oldestAllowed.getTime(), earliest));
  result.window = { start, end };

  let nextToken: string | undefined;
  do {
    if (deps.signal?.aborted) break;
    const page = await deps.api.lookupRunInstances({ start, end, nextToken }, deps.signal);
    result.pages++;
    result.events += page.events.length;
    let oldestOnPage = Infinity;
    for (const event of page.events) {
      if (event.eventTime) oldestOnPage = Math.min(oldestOnPage, event.eventTime.getTime());
      const ids = instanceIdsOf(event).filter((id) => remaining.has(id));
      if (ids.length === 0) continue;
      const creator = creatorOf(event) ?? UNDEFINED_CREATOR;
      for (const id of ids) {
        result.creators.set(id, creator);
        remaining.delete(id);
      }
    }
    if (remaining.size === 0 || olderThanAllWanted(oldestOnPage, remaining)) break;
    nextToken = page.nextToken;
  } while (nextToken);
  return result;
}

function olderThanAllWanted(oldestEvent: number, remaining: Map<string, Date | undefined>): boolean {
  for (const seen of remaining.values()) if (!seen || oldestEvent >= seen.getTime() - SLACK_MS) return false;
  return true;
}

/** Instance ids an event launched: its Resources, and responseElements for records that lack them. */
export function instanceIdsOf(event: RunInstancesEvent): string[] {
  const ids = new Set<string>();
  for (const r of event.resources) if (r.type === "AWS::EC2::Instance" && r.name) ids.add(r.name);
  const record = parseRecord(event);
  const items = (record?.responseElements as { instancesSet?: { items?: { instanceId?: string }[] } } | undefined)?.instancesSet?.items;
  for (const item of items ?? []) if (item.instanceId) ids.add(item.instanceId);
  return [...ids];
}

/**
 * Who ran RunInstances: an IAM user's name; for roles, federated users and root the
 * principal's ARN (an assumed-role ARN names role and session, which is what identifies a
 * person behind SSO); for AWS services the service; else LookupEvents' `Username` field.
 */
export function creatorOf(event: RunInstancesEvent): string | undefined {
  // EC2 tag values hold at most 256 characters.
  return principalOf(event)?.slice(0, 256);
}

function principalOf(event: RunInstancesEvent): string | undefined {
  const identity = parseRecord(event)?.userIdentity as
    | { type?: string; userName?: string; arn?: string; invokedBy?: string }
    | undefined;
  if (identity?.type === "IAMUser" && identity.userName) return identity.userName;
  if (identity?.type === "AWSService" && identity.invokedBy) return identity.invokedBy;
  if (identity?.arn) return identity.arn;
  return event.username || undefined;
}

function parseRecord(event: RunInstancesEvent): Record<string, unknown> | undefined {
  if (!event.cloudTrailEvent) return undefined;
  try {
    return JSON.parse(event.cloudTrailEvent) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
