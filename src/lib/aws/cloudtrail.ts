import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import type { AwsClientFactory } from "./factory.js";

/** One RunInstances event as LookupEvents returns it. */
export interface RunInstancesEvent {
  eventTime?: Date;
  /** LookupEvents' own `Username` field. */
  username?: string;
  /** The full CloudTrail record (JSON text): userIdentity and responseElements live here. */
  cloudTrailEvent?: string;
  resources: { type?: string; name?: string }[];
}

export interface RunInstancesPage {
  events: RunInstancesEvent[];
  nextToken?: string;
}

/** The CloudTrail calls awsblog makes, narrow so tests can hand in their own. */
export interface CloudTrailApi {
  /** One LookupEvents call for EventName=RunInstances in [start, end], 50 events a page. */
  lookupRunInstances(window: { start: Date; end: Date; nextToken?: string }, signal?: AbortSignal): Promise<RunInstancesPage>;
  /** The same for another create event (CreateBucket, CreateTable…): tag runs with --resource-types. */
  lookupEvents?(query: { eventName: string; start: Date; end: Date; nextToken?: string }, signal?: AbortSignal): Promise<RunInstancesPage>;
}

export const LOOKUP_PAGE_SIZE = 50;

export interface CloudTrailOptions {
  /**
   * Awaited right before each HTTP attempt (retries included), after signing and credential
   * resolution: a rate limiter placed here spaces requests as the service sees them arrive.
   */
  beforeSend?: (signal?: AbortSignal) => Promise<void>;
}

export async function createCloudTrailApi(aws: AwsClientFactory, options: CloudTrailOptions = {}): Promise<CloudTrailApi> {
  const client = await aws.client(CloudTrailClient);
  const { beforeSend } = options;
  client.middlewareStack.remove("awsblogBeforeSend");
  if (beforeSend) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        await beforeSend((context as { abortSignal?: AbortSignal }).abortSignal);
        return next(args);
      },
      { step: "deserialize", priority: "low", name: "awsblogBeforeSend" },
    );
  }
  const lookup = async ({ eventName, start, end, nextToken }: { eventName: string; start: Date; end: Date; nextToken?: string }, signal?: AbortSignal): Promise<RunInstancesPage> => {
    const res = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: eventName }],
        StartTime: start,
        EndTime: end,
        MaxResults: LOOKUP_PAGE_SIZE,
        NextToken: nextToken,
      }),
      { abortSignal: signal },
    );
    return {
      nextToken: res.NextToken || undefined,
      events: (res.Events ?? []).map((e) => ({
        eventTime: e.EventTime,
        username: e.Username,
        cloudTrailEvent: e.CloudTrailEvent,
        resources: (e.Resources ?? []).map((r) => ({ type: r.ResourceType, name: r.ResourceName })),
      })),
    };
  };
  return {
    lookupRunInstances: (window, signal) => lookup({ eventName: "RunInstances", ...window }, signal),
    lookupEvents: lookup,
  };
}
