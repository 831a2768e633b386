import { describe, expect, it } from "vitest";
import { attemptReadMs } from "../../../src/lib/aws/factory.js";
import { callBudgetMs, DEFAULT_LIMITS, deadline, limitsFrom, longPollMs, requestBudgetMs, seconds } from "../../../src/lib/deadline.js";
import { AwsError, FailureError, NoAnswerError } from "../../../src/lib/errors.js";
import { isThrottling, isTimeout, isTransient } from "../../../src/lib/retry.js";

describe("limits derived from --cli-connect-timeout / --cli-read-timeout", () => {
  it("with the defaults every kind of AWS call ends in under 2 minutes against a silent endpoint", () => {
    for (const key of ["SQS.GetQueueAttributes", "SQS.ReceiveMessage", "StepFunctions.GetActivityTask", "StepFunctions.SendTaskSuccess"]) {
      expect(callBudgetMs(DEFAULT_LIMITS, attemptReadMs(DEFAULT_LIMITS, key)), key).toBeLessThan(120_000);
    }
    expect(callBudgetMs(DEFAULT_LIMITS)).toBe(100_000);
  });

  it("long polls get their hold plus the read timeout (at most 10 s); uploads at least 300 s; 0 = no limit", () => {
    expect(attemptReadMs(DEFAULT_LIMITS, "StepFunctions.GetActivityTask")).toBe(70_000);
    expect(attemptReadMs({ connectMs: 1000, readMs: 2000 }, "StepFunctions.GetActivityTask")).toBe(62_000);
    expect(attemptReadMs(DEFAULT_LIMITS, "SQS.ReceiveMessage")).toBe(30_000);
    expect(attemptReadMs({ connectMs: 1000, readMs: 2000 }, "Lambda.UpdateFunctionCode")).toBe(300_000);
    expect(longPollMs({ connectMs: 0, readMs: 0 }, 20_000)).toBe(0);
    expect(callBudgetMs({ connectMs: 10_000, readMs: 0 })).toBe(0);
  });

  it("the flags, in seconds, become the limits; one IdP request is connect + read unless AWSBLOG_SAML_TIMEOUT alone is set", () => {
    const limits = limitsFrom({ readTimeout: 5, connectTimeout: 0.5 });
    expect(limits).toEqual({ connectMs: 500, readMs: 5000 });
    expect(limitsFrom({})).toEqual(DEFAULT_LIMITS);
    expect(requestBudgetMs(limits, { readFlagGiven: true, overrideMs: 30_000 })).toBe(5500);
    expect(requestBudgetMs(DEFAULT_LIMITS, { readFlagGiven: false, overrideMs: 30_000 })).toBe(30_000);
    expect(requestBudgetMs(DEFAULT_LIMITS)).toBe(70_000);
    expect([seconds(400), seconds(1550), seconds(100_000)]).toEqual(["0.4 s", "1.6 s", "100 s"]);
  });
});

describe("deadline", () => {
  it("aborts with the given reason when the time runs out, or with the parent's when it aborts first", async () => {
    const timed = deadline(20, undefined, () => new Error("spent"));
    await new Promise((resolve) => timed.signal.addEventListener("abort", resolve));
    expect(timed.expired).toBe(true);
    expect((timed.signal.reason as Error).message).toBe("spent");

    const parent = new AbortController();
    const child = deadline(60_000, parent.signal);
    parent.abort("ctrl-c");
    expect(child.signal.aborted).toBe(true);
    expect(child.expired).toBe(false);
    child.dispose();

    const never = deadline(0);
    never.abort("done");
    expect(never.signal.reason).toBe("done");
  });
});

describe("one classifier for throttling, timeouts and transient errors", () => {
  const sdk = (name: string, status: number, code?: string) => Object.assign(new Error(name), { name, code, $metadata: { httpStatusCode: status } });
  it("throttling by AWS code (raw SDK error or AwsError) or HTTP 429", () => {
    expect(isThrottling(sdk("ThrottlingException", 400))).toBe(true);
    expect(isThrottling(new AwsError("EC2", "CreateTags", "RequestLimitExceeded", ""))).toBe(true);
    expect(isThrottling(new AwsError("SQS", "SendMessageBatch", "KMSThrottlingException", ""))).toBe(true);
    expect(isThrottling(sdk("Whatever", 429))).toBe(true);
    expect(isThrottling(new AwsError("EC2", "CreateTags", "UnauthorizedOperation", ""))).toBe(false);
    expect(isThrottling(new FailureError("ThrottlingException"))).toBe(false);
  });

  it("a timeout is a handler timeout, not a reset that the SDK also names TimeoutError", () => {
    expect(isTimeout(sdk("TimeoutError", 0, "ETIMEDOUT"))).toBe(true);
    expect(isTimeout(sdk("TimeoutError", 0, "ECONNRESET"))).toBe(false);
    expect(isTransient(sdk("TimeoutError", 0, "ECONNRESET"))).toBe(true);
  });

  it("a call that got no answer after its retries is not transient: loops on top must not repeat it", () => {
    const raw = sdk("TimeoutError", 0, "ETIMEDOUT");
    expect(isTransient(raw)).toBe(true);
    expect(isTransient(new NoAnswerError("no answer from X Y after 2 attempts, 100 s", undefined, { cause: raw }))).toBe(false);
    expect(isTransient(new AwsError("Lambda", "Invoke", "ServiceException", "", undefined, { cause: sdk("ServiceException", 500) }))).toBe(true);
  });
});
