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
}

export const LOOKUP_PAGE_SIZE = 50;

export async function createCloudTrailApi(aws: AwsClientFactory): Promise<CloudTrailApi> {
  const client = await aws.client(CloudTrailClient);
  return {
    async lookupRunInstances({ start, end, nextToken }, signal) {
      const res = await client.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "RunInstances" }],
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
    },
  };
}
