import { createServer } from "node:http";
import { awsJsonError, listenLoopback, readBody, slidingWindow } from "./aws-json.js";

/**
 * A small stand-in for CloudTrail's LookupEvents (moto lacks it): speaks the awsJson1_1
 * protocol the SDK uses, returns events newest first in pages of 50 with NextToken, and
 * answers ThrottlingException when more than `ratePerSecond` requests arrive within any
 * one-second window — the real service's limit for LookupEvents (2/s per account and region).
 */
export interface FakeRunInstances {
  instanceIds: string[];
  eventTime: Date;
  /** CloudTrail's userIdentity block (type IAMUser, AssumedRole, Root, AWSService…). */
  userIdentity: Record<string, unknown>;
  /** LookupEvents' top-level Username field. */
  username?: string;
}

/** Another create event (CreateBucket, CreateFunction20150331, CreateTable…), served for its EventName. */
export interface FakeCreateEvent {
  eventName: string;
  eventSource: string;
  eventTime: Date;
  userIdentity: Record<string, unknown>;
  username?: string;
  /** LookupEvents' Resources list (CloudTrail fills it for most create events). */
  resources?: { type: string; name: string }[];
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
}

export interface CloudTrailDouble {
  url: string;
  /** Accepted LookupEvents requests, with arrival times. */
  requests: { at: number; body: Record<string, unknown> }[];
  /** Requests answered with ThrottlingException. */
  throttled: number;
  setEvents(events: FakeRunInstances[]): void;
  setCreateEvents(events: FakeCreateEvent[]): void;
  stop(): Promise<void>;
}

// The service model's full target; current SDK releases send the short form.
const TARGETS = ["com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", "CloudTrail_20131101.LookupEvents"];

export async function startCloudTrailDouble(
  options: {
    events?: FakeRunInstances[];
    createEvents?: FakeCreateEvent[];
    ratePerSecond?: number;
    pageSize?: number;
    /**
     * How much earlier than its send time a request may be seen to arrive: the double shares the
     * test's event loop, so a stall there can delay one arrival and not the next. 0 = exact.
     */
    toleranceMs?: number;
  } = {},
): Promise<CloudTrailDouble> {
  const limit = slidingWindow(options.ratePerSecond ?? 2, 1000 - (options.toleranceMs ?? 0));
  const pageSize = options.pageSize ?? 50;
  let events = sortNewestFirst(options.events ?? []);
  let createEvents = sortNewestFirst(options.createEvents ?? []);
  const double = {
    url: "",
    requests: [] as CloudTrailDouble["requests"],
    throttled: 0,
    setEvents(next: FakeRunInstances[]) {
      events = sortNewestFirst(next);
    },
    setCreateEvents(next: FakeCreateEvent[]) {
      createEvents = sortNewestFirst(next);
    },
    stop: async () => {},
  };

  const server = createServer((req, res) => {
    const at = Date.now(); // arrival: before the body is read
    void readBody(req).then((text) => {
      if (!TARGETS.includes(String(req.headers["x-amz-target"]))) return awsJsonError(res, "UnknownOperationException", `unsupported target ${String(req.headers["x-amz-target"])}`);
      if (!limit.admit(at)) {
        double.throttled++;
        return awsJsonError(res, "ThrottlingException", "Rate exceeded");
      }
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      double.requests.push({ at, body });
      const max = Math.min(Number(body.MaxResults ?? pageSize), pageSize);
      const eventName = ((body.LookupAttributes ?? []) as { AttributeKey?: string; AttributeValue?: string }[]).find((a) => a.AttributeKey === "EventName")?.AttributeValue;
      const others = eventName !== undefined && eventName !== "RunInstances";
      const matching: (FakeRunInstances | FakeCreateEvent)[] = others ? inWindow(createEvents.filter((e) => e.eventName === eventName), body) : filterEvents(events, body);
      const offset = body.NextToken ? Number(Buffer.from(String(body.NextToken), "base64").toString("utf8")) : 0;
      if (!Number.isInteger(offset) || offset < 0) return awsJsonError(res, "InvalidNextTokenException", "bad NextToken");
      const page = matching.slice(offset, offset + max);
      const next = offset + max < matching.length ? Buffer.from(String(offset + max)).toString("base64") : undefined;
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `req-${double.requests.length}` });
      res.end(JSON.stringify({ Events: page.map((e, i) => ("eventName" in e ? createToWire(e, i) : toWire(e, i))), ...(next ? { NextToken: next } : {}) }));
    });
  });
  const listening = await listenLoopback(server);
  double.url = listening.url;
  double.stop = listening.stop;
  return double;
}

function sortNewestFirst<T extends { eventTime: Date }>(events: T[]): T[] {
  return [...events].sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime());
}

function filterEvents(events: FakeRunInstances[], body: Record<string, unknown>): FakeRunInstances[] {
  const attrs = (body.LookupAttributes ?? []) as { AttributeKey?: string; AttributeValue?: string }[];
  if (attrs.some((a) => a.AttributeKey === "EventName" && a.AttributeValue !== "RunInstances")) return [];
  return inWindow(events, body);
}

function inWindow<T extends { eventTime: Date }>(events: T[], body: Record<string, unknown>): T[] {
  const start = body.StartTime === undefined ? -Infinity : Number(body.StartTime) * 1000;
  const end = body.EndTime === undefined ? Infinity : Number(body.EndTime) * 1000;
  return events.filter((e) => e.eventTime.getTime() >= start && e.eventTime.getTime() <= end);
}

function toWire(e: FakeRunInstances, index: number) {
  const record = {
    eventVersion: "1.08",
    userIdentity: e.userIdentity,
    eventTime: e.eventTime.toISOString().replace(/\.\d+Z$/, "Z"),
    eventSource: "ec2.amazonaws.com",
    eventName: "RunInstances",
    awsRegion: "us-east-1",
    responseElements: { instancesSet: { items: e.instanceIds.map((instanceId) => ({ instanceId })) } },
  };
  return {
    EventId: `evt-${e.eventTime.getTime()}-${e.instanceIds[0] ?? index}`,
    EventName: "RunInstances",
    ReadOnly: "false",
    EventTime: e.eventTime.getTime() / 1000,
    EventSource: "ec2.amazonaws.com",
    ...(e.username ? { Username: e.username } : {}),
    Resources: e.instanceIds.map((id) => ({ ResourceType: "AWS::EC2::Instance", ResourceName: id })),
    CloudTrailEvent: JSON.stringify(record),
  };
}



function createToWire(e: FakeCreateEvent, index: number) {
  const record = {
    eventVersion: "1.08",
    userIdentity: e.userIdentity,
    eventTime: e.eventTime.toISOString().replace(/\.\d+Z$/, "Z"),
    eventSource: e.eventSource,
    eventName: e.eventName,
    awsRegion: "us-east-1",
    requestParameters: e.requestParameters ?? null,
    responseElements: e.responseElements ?? null,
  };
  return {
    EventId: `evt-${e.eventTime.getTime()}-${e.eventName}-${index}`,
    EventName: e.eventName,
    ReadOnly: "false",
    EventTime: e.eventTime.getTime() / 1000,
    EventSource: e.eventSource,
    ...(e.username ? { Username: e.username } : {}),
    Resources: (e.resources ?? []).map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
    CloudTrailEvent: JSON.stringify(record),
  };
}
