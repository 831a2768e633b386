import { describe, expect, it } from "vitest";
import { AwsError } from "../../../src/lib/errors.js";
import { chunk, groupTagFixes, runSplitting, withBackoff } from "../../../src/lib/tags/batches.js";
import { fakeClock } from "./fake-clock.js";

const ids = (n: number, prefix = "i-") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const ec2Error = (code: string) => new AwsError("EC2", "TerminateInstances", code, "");

describe("groupTagFixes", () => {
  it("one batch per distinct (key, value), at most 1,000 ids each", () => {
    const fixes = [
      ...ids(2500).map((instanceId) => ({ instanceId, tagKey: "ProjectCode", value: "Proj007" })),
      ...ids(3).map((instanceId) => ({ instanceId, tagKey: "CreatedBy", value: "alice" })),
      { instanceId: "i-9", tagKey: "CreatedBy", value: "bob" },
      { instanceId: "i-8", tagKey: "Created", value: "By" }, // not confused with CreatedBy
    ];
    const batches = groupTagFixes(fixes);
    expect(batches.map((b) => [b.tagKey, b.value, b.instanceIds.length])).toEqual([
      ["ProjectCode", "Proj007", 1000],
      ["ProjectCode", "Proj007", 1000],
      ["ProjectCode", "Proj007", 500],
      ["CreatedBy", "alice", 3],
      ["CreatedBy", "bob", 1],
      ["Created", "By", 1],
    ]);
    expect(chunk([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
  });
});

describe("runSplitting", () => {
  it("splits a rejected batch so only the offending instances fail", async () => {
    const calls: string[][] = [];
    const outcome = await runSplitting(ids(16), async (part) => {
      calls.push(part);
      if (part.includes("i-5") || part.includes("i-11")) throw ec2Error("OperationNotPermitted");
    });
    expect([...outcome].filter(([, e]) => e).map(([id]) => id)).toEqual(["i-5", "i-11"]);
    expect([...outcome.values()].filter((e) => !e)).toHaveLength(14);
    expect(calls.length).toBeLessThan(16); // bisection, not one call per instance
  });

  it("does not split errors that are about the whole call", async () => {
    let calls = 0;
    const outcome = await runSplitting(ids(8), async () => {
      calls++;
      throw ec2Error("UnauthorizedOperation");
    });
    expect(calls).toBe(1);
    expect([...outcome.values()].every((e) => e instanceof AwsError)).toBe(true);
  });
});

describe("withBackoff", () => {
  it("retries RequestLimitExceeded with growing waits, then succeeds", async () => {
    const clock = fakeClock();
    let n = 0;
    const result = await withBackoff(
      async () => {
        if (++n < 4) throw new AwsError("EC2", "CreateTags", "RequestLimitExceeded", "Request limit exceeded.");
        return "ok";
      },
      { clock, random: () => 1, baseMs: 1000 },
    );
    expect(result).toBe("ok");
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it("gives up after its retries, and never retries other errors", async () => {
    const clock = fakeClock();
    await expect(withBackoff(async () => { throw ec2Error("RequestLimitExceeded"); }, { clock, retries: 2 })).rejects.toThrow(/RequestLimitExceeded/);
    expect(clock.sleeps).toHaveLength(2);
    let n = 0;
    await expect(withBackoff(async () => { n++; throw ec2Error("InvalidInstanceID.NotFound"); }, { clock })).rejects.toThrow(/NotFound/);
    expect(n).toBe(1);
  });
});
