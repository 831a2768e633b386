import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCloudTrailApi } from "../../../src/lib/aws/cloudtrail.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { findCreators } from "../../../src/lib/tags/creators.js";
import { sleep } from "../../../src/lib/retry.js";
import { createPacer, pacingClock } from "../../../src/lib/pacing.js";
import { startCloudTrailDouble, type CloudTrailDouble, type FakeRunInstances } from "../../../doubles/cloudtrail.js";

/** The real SDK client against the LookupEvents double: paging, pacing and throttling over HTTP. */
const now = new Date();
const events: FakeRunInstances[] = Array.from({ length: 160 }, (_, i) => ({
  instanceIds: [`i-${String(i).padStart(17, "0")}`],
  eventTime: new Date(now.getTime() - (i + 1) * 1000),
  userIdentity: { type: "IAMUser", userName: `user${i % 7}` },
}));
const oldest = events[159]!.instanceIds[0]!;

describe("CloudTrail sweep over HTTP", () => {
  let double: CloudTrailDouble;
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" });
  });
  afterEach(async () => double?.stop());
  afterAll(() => {
    for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  const sweep = async (pacerRate: number) => {
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: double.url, userAgent: { name: "awsblog", version: "test" } });
    const pacer = createPacer(pacerRate, pacingClock({ monotonicNow: () => performance.now(), sleep }));
    const api = await createCloudTrailApi(aws, { beforeSend: (signal) => pacer.take(signal) });
    const result = await findCreators(new Map([[oldest, new Date(now.getTime() - 170_000)]]), { api, now, lookbackDays: 1 });
    return { result, calls: aws.calls.get("CloudTrail.LookupEvents") };
  };

  it("pages at 50 with NextToken and stays under 2 requests/s: never throttled", async () => {
    // The pacer spaces requests 550 ms apart; 100 ms of tolerance absorbs event-loop stalls of a
    // busy test machine (a caller pacing at 50/s, below, is still throttled).
    double = await startCloudTrailDouble({ events, toleranceMs: 100 });
    const { result, calls } = await sweep(2);
    expect(result.creators.get(oldest)).toBe(`user${159 % 7}`);
    expect(result.pages).toBe(4);
    expect(calls).toBe(4);
    expect(double.throttled).toBe(0);
    expect(double.requests.map((r) => r.body.MaxResults)).toEqual([50, 50, 50, 50]);
    const arrivals = double.requests.map((r) => r.at);
    for (let i = 2; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 2]!).toBeGreaterThan(900);
  });

  it("a caller paced too fast is throttled by the double, and the SDK's retries still finish the sweep", async () => {
    // One request per 900 ms: the caller's second page (one round trip after the first, not
    // 450 ms as with 2/s) is throttled even when a loaded machine slows every round trip.
    double = await startCloudTrailDouble({ events, ratePerSecond: 1, toleranceMs: 100 });
    const { result } = await sweep(50);
    expect(double.throttled).toBeGreaterThan(0);
    expect(result.creators.get(oldest)).toBe(`user${159 % 7}`);
    expect(double.requests).toHaveLength(4);
  });
});
