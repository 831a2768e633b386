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

export interface ResourceSweepDeps extends SweepDeps {
  /** Create events per resource type (resource-types.ts CREATE_EVENTS). */
  events: Record<string, { eventName: string; names(record: Record<string, unknown>): (string | undefined)[] }>;
}

/**
 * Who created each wanted resource (ARN → its type and name), from one paced LookupEvents
 * sweep per create event over the lookback window (GetResources gives no creation time):
 * newest first, stopping as soon as every resource of that event is attributed. A resource is
 * matched by its ARN or name in the event's Resources or in the record's request/response.
 * Types without a known create event are left out (UserLookup writes "Undefined" for them).
 */
export async function findResourceCreators(wanted: Map<string, { resourceType: string; name: string }>, deps: ResourceSweepDeps): Promise<CreatorSweep> {
  const result: CreatorSweep = { creators: new Map(), pages: 0, events: 0 };
  const lookup = deps.api.lookupEvents;
  if (!lookup || wanted.size === 0) return result;
  const end = deps.now;
  const start = new Date(end.getTime() - deps.lookbackDays * DAY_MS);
  result.window = { start, end };
  const byEvent = new Map<string, Map<string, string>>(); // eventName → (name or ARN → ARN)
  for (const [arn, { resourceType, name }] of wanted) {
    const event = deps.events[resourceType];
    if (!event) continue;
    let keys = byEvent.get(event.eventName);
    if (!keys) byEvent.set(event.eventName, (keys = new Map()));
    keys.set(arn, arn);
    keys.set(name, arn);
  }
  for (const [eventName, keys] of byEvent) {
    const remaining = new Set(keys.values());
    const names = Object.values(deps.events).find((e) => e.eventName === eventName)!.names;
    let nextToken: string | undefined;
    do {
      if (deps.signal?.aborted) return result;
      const page = await lookup.call(deps.api, { eventName, start, end, nextToken }, deps.signal);
      result.pages++;
      result.events += page.events.length;
      for (const event of page.events) {
        const record = parseRecord(event) ?? {};
        const mentioned = [...event.resources.map((r) => r.name), ...names(record)].filter((n): n is string => Boolean(n));
        for (const n of mentioned) {
          const arn = keys.get(n);
          // Newest first: a name created, deleted and created again is credited to the latest create.
          if (!arn || !remaining.has(arn)) continue;
          result.creators.set(arn, creatorOf(event) ?? UNDEFINED_CREATOR);
          remaining.delete(arn);
        }
      }
      if (remaining.size === 0) break;
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return result;
}
