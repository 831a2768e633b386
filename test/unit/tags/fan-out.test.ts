import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { OrganizationsApi } from "../../../src/lib/aws/organizations.js";
import type { CallerStsApi } from "../../../src/lib/aws/sts-caller.js";
import { fanOutDefinition, fanOutMessage, runFanOutPhase, type AccountResult } from "../../../src/lib/tags/fan-out.js";
import { estimateRunSeconds, warnIfTooLong } from "../../../src/lib/tags/schedule-fan-out.js";
import { testContext } from "../../helpers/context.js";
import { fakeApi } from "../../helpers/fake-api.js";

const validateAsl = createRequire(import.meta.url)("asl-validator") as (definition: unknown) => { isValid: boolean; errorsText(separator?: string): string };
const FN = "arn:aws:lambda:us-east-1:123456789012:function:tag-policy";
const run = { command: "enforce" as const, policy: "rules.yaml", org: true };

describe("fan-out state machine", () => {
  it("the definition is valid ASL (asl-validator) for every MaxConcurrency; bad ones are caught by the validator", () => {
    for (const n of [1, 10, 40]) {
      const result = validateAsl(fanOutDefinition(FN, n));
      expect(result.isValid, result.errorsText("\n")).toBe(true);
    }
    // The validator is not a rubber stamp: a Map without an item processor is refused.
    const broken = fanOutDefinition(FN, 5) as { States: { EachAccount: Record<string, unknown> } };
    delete broken.States.EachAccount.ItemProcessor;
    expect(validateAsl(broken).isValid).toBe(false);
  });

  it("summary: a failed invocation (the Map's Catch) and failed regions are listed; totals add up; every target failed → the run fails", async () => {
    const results: AccountResult[] = [
      { accountId: "111111111111", status: "ok", regions: 2, scanned: 10, violations: 3, done: 4, failed: 1, deferred: 0, untagged: 1, failedTargets: [{ region: "eu-west-1", error: "EC2 DescribeInstances failed: UnauthorizedOperation" }] },
      { accountId: "222222222222", status: "failed", error: JSON.stringify({ errorType: "Error", errorMessage: "awsblog: Task timed out after 900.00 seconds\nmore", trace: ["x"] }) },
    ];
    const host = { env: { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "t", AWS_SECRET_ACCESS_KEY: "t" }, stderr: { write: () => true } };
    const summary = await runFanOutPhase({ phase: "summary", run, results }, host);
    expect(summary).toEqual({
      accounts: 2,
      targets: 3,
      scanned: 10,
      violations: 3,
      actions: { done: 4, failed: 1, deferred: 0 },
      untagged: 1,
      notified: false,
      failedTargets: [
        { accountId: "111111111111", region: "eu-west-1", error: "EC2 DescribeInstances failed: UnauthorizedOperation" },
        { accountId: "222222222222", error: "awsblog: Task timed out after 900.00 seconds" },
      ],
    });
    const message = fanOutMessage(summary as Parameters<typeof fanOutMessage>[0], results);
    expect(message).toContain("-- 111111111111: 4 done, 1 failed, 0 deferred, 1 untagged");
    expect(message).toContain("-- 222222222222: FAILED (awsblog: Task timed out after 900.00 seconds)");
    await expect(runFanOutPhase({ phase: "summary", run, results: [results[1]!] }, host)).rejects.toThrow(/no target could be scanned \(1 failed\)/);
  });
});

describe("time model (tags schedule without --fan-out)", () => {
  const sts: CallerStsApi = { callerIdentity: async () => ({ account: "100000000000", arn: "arn:aws:iam::100000000000:user/ops" }), region: async () => "us-east-1", assumeRole: async () => Promise.reject(new Error("unused")) };
  const org = (n: number) =>
    fakeApi<OrganizationsApi>("organizations", { listAccounts: async () => Array.from({ length: n }, (_, i) => ({ id: String(100000000000 + i), name: `a${i}`, status: "ACTIVE" })) });
  const regions = Array.from({ length: 17 }, (_, i) => `eu-west-${i + 1}`);

  it("⌈targets / concurrency⌉ × seconds per target", () => {
    expect(estimateRunSeconds(8500, 8)).toBe(1063);
    expect(estimateRunSeconds(7, 8)).toBe(1);
    expect(estimateRunSeconds(100, 10, 2.5)).toBe(25);
  });

  it("warns when one run would take 75 % of Lambda's 900 s or more; quiet below", async () => {
    const big = testContext({ services: { callerSts: async () => sts, organizations: async () => org(500) } });
    await warnIfTooLong({ org: true, regions, concurrency: 8 }, big.ctx);
    expect(big.stderr()).toMatch(/warning: 8500 target\(s\) at --concurrency 8 take about 1063 s at ~1 s per target; one Lambda run stops at 900 s — deploy with --fan-out/);
    const small = testContext({ services: { callerSts: async () => sts, organizations: async () => org(20) } });
    await warnIfTooLong({ org: true, regions, concurrency: 8 }, small.ctx);
    expect(small.stderr()).toBe("");
  });
});
