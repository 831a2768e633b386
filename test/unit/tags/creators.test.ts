import { describe, expect, it } from "vitest";
import type { CloudTrailApi, RunInstancesEvent } from "../../../src/lib/aws/cloudtrail.js";
import { creatorOf, findCreators, instanceIdsOf } from "../../../src/lib/tags/creators.js";

const NOW = new Date("2026-11-25T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const event = (id: string, at: Date, identity: object = { type: "IAMUser", userName: `u-${id}` }): RunInstancesEvent => ({
  eventTime: at,
  resources: [{ type: "AWS::EC2::Instance", name: id }],
  cloudTrailEvent: JSON.stringify({ userIdentity: identity }),
});

/** Pages of 50, newest first, over a list of events; records each request's window. */
function fakeTrail(events: RunInstancesEvent[]) {
  const calls: { start: Date; end: Date; nextToken?: string }[] = [];
  const sorted = [...events].sort((a, b) => b.eventTime!.getTime() - a.eventTime!.getTime());
  const api: CloudTrailApi = {
    async lookupRunInstances(window) {
      calls.push(window);
      const inWindow = sorted.filter((e) => e.eventTime! >= window.start && e.eventTime! <= window.end);
      const offset = Number(window.nextToken ?? 0);
      return { events: inWindow.slice(offset, offset + 50), nextToken: offset + 50 < inWindow.length ? String(offset + 50) : undefined };
    },
  };
  return { api, calls };
}

const noise = (n: number, fromMinutesAgo: number) => Array.from({ length: n }, (_, i) => event(`i-noise${i}`, minutesAgo(fromMinutesAgo - i * 0.01)));

describe("findCreators", () => {
  it("sweeps pages until every wanted instance is attributed", async () => {
    const trail = fakeTrail([...noise(120, 100), event("i-a", minutesAgo(130)), event("i-b", minutesAgo(200)), ...noise(200, 400)]);
    const sweep = await findCreators(new Map([["i-a", minutesAgo(129)], ["i-b", minutesAgo(199)]]), { api: trail.api, now: NOW, lookbackDays: 90 });
    expect(Object.fromEntries(sweep.creators)).toEqual({ "i-a": "u-i-a", "i-b": "u-i-b" });
    expect(sweep.pages).toBe(3); // 122 events in the window: pages of 50, 50, 22
    expect(trail.calls[0]!.start).toEqual(minutesAgo(199 + 15)); // window starts just before the oldest launch
    expect(trail.calls[0]!.end).toEqual(NOW);
  });

  it("stops once events are older than any instance still wanted (creator unknown)", async () => {
    const trail = fakeTrail([...noise(60, 10), event("i-other", minutesAgo(300)), ...noise(200, 500)]);
    const sweep = await findCreators(new Map([["i-lost", minutesAgo(20)]]), { api: trail.api, now: NOW, lookbackDays: 1 });
    expect(sweep.creators.size).toBe(0);
    expect(sweep.pages).toBe(2); // the window only covers the last ~35 minutes
  });

  it("does not call CloudTrail for instances launched before the lookback window", async () => {
    const trail = fakeTrail([]);
    const sweep = await findCreators(new Map([["i-old", minutesAgo(3 * 24 * 60)]]), { api: trail.api, now: NOW, lookbackDays: 2 });
    expect(trail.calls).toHaveLength(0);
    expect(sweep.window).toBeUndefined();
  });

  it("without a known launch time, looks back --lookback-days", async () => {
    const trail = fakeTrail([event("i-x", minutesAgo(60 * 24 * 5))]);
    const sweep = await findCreators(new Map([["i-x", undefined]]), { api: trail.api, now: NOW, lookbackDays: 7 });
    expect(trail.calls[0]!.start).toEqual(minutesAgo(7 * 24 * 60));
    expect(sweep.creators.get("i-x")).toBe("u-i-x");
  });
});

describe("creatorOf / instanceIdsOf", () => {
  const withIdentity = (identity: object, username?: string): RunInstancesEvent => ({ ...event("i-1", NOW, identity), username });
  it("IAM users by name; roles, federated users and root by ARN; services by name; else Username", () => {
    expect(creatorOf(withIdentity({ type: "IAMUser", userName: "alice", arn: "arn:aws:iam::1:user/alice" }))).toBe("alice");
    expect(creatorOf(withIdentity({ type: "AssumedRole", arn: "arn:aws:sts::1:assumed-role/Admin/dana" }, "dana"))).toBe("arn:aws:sts::1:assumed-role/Admin/dana");
    expect(creatorOf(withIdentity({ type: "Root", arn: "arn:aws:iam::1:root" }))).toBe("arn:aws:iam::1:root");
    expect(creatorOf(withIdentity({ type: "AWSService", invokedBy: "autoscaling.amazonaws.com" }))).toBe("autoscaling.amazonaws.com");
    expect(creatorOf({ resources: [], username: "legacy" })).toBe("legacy");
    expect(creatorOf({ resources: [], cloudTrailEvent: "{not json" })).toBeUndefined();
    expect(creatorOf(withIdentity({ type: "AssumedRole", arn: `arn:${"x".repeat(400)}` }))).toHaveLength(256);
  });

  it("reads instance ids from Resources and from responseElements", () => {
    const e: RunInstancesEvent = {
      resources: [{ type: "AWS::EC2::Instance", name: "i-1" }, { type: "AWS::EC2::SecurityGroup", name: "sg-1" }],
      cloudTrailEvent: JSON.stringify({ responseElements: { instancesSet: { items: [{ instanceId: "i-1" }, { instanceId: "i-2" }] } } }),
    };
    expect(instanceIdsOf(e)).toEqual(["i-1", "i-2"]);
  });
});
