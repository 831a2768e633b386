import { describe, expect, it } from "vitest";
import type { AssumedCredentials, CallerStsApi } from "../../../src/lib/aws/sts-caller.js";
import { createAdaptiveBucket } from "../../../src/lib/pacing.js";
import { targetLimiter } from "../../../src/lib/tags/limits.js";
import { noInstanceText } from "../../../src/lib/tags/inventory.js";
import { emptyTargetsLine } from "../../../src/lib/tags/org-run.js";
import { checkOrgOptions, credentialsPerAccount, forEachTarget, resolveTargets } from "../../../src/lib/tags/org.js";
import type { OrganizationsApi } from "../../../src/lib/aws/organizations.js";
import { AwsError } from "../../../src/lib/errors.js";
import { testContext } from "../../helpers/context.js";
import { fakeApi } from "../../helpers/fake-api.js";
import { fakeClock } from "./fake-clock.js";

const CALLER = { account: "111111111111", arn: "arn:aws-us-gov:iam::111111111111:user/ops" };

function fakeSts(lifetimeMs: number, now: () => number) {
  const calls: string[] = [];
  const api: CallerStsApi = {
    callerIdentity: async () => CALLER,
    region: async () => "us-east-1",
    assumeRole: async (arn, session): Promise<AssumedCredentials> => {
      calls.push(`${arn} ${session}`);
      if (arn.includes("333333333333")) throw new Error("AccessDenied");
      return { accessKeyId: `AK${calls.length}`, secretAccessKey: "s", sessionToken: "t", expiration: new Date(now() + lifetimeMs) };
    },
  };
  return { api, calls };
}

describe("credentialsPerAccount", () => {
  it("the caller's own account uses its own credentials; others assume the role once, in the caller's partition", async () => {
    let now = 0;
    const sts = fakeSts(3_600_000, () => now);
    const creds = credentialsPerAccount(CALLER, "TagRole", sts.api, () => now);
    expect(creds.providerFor("111111111111")).toBeUndefined();
    const provider = creds.providerFor("222222222222")!;
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a).toBe(b);
    expect(await creds.providerFor("222222222222")!()).toBe(a);
    expect(sts.calls).toEqual(["arn:aws-us-gov:iam::222222222222:role/TagRole awsblog-tags"]);
    // Reused until 5 minutes before expiry, then assumed again.
    now = 3_600_000 - 5 * 60_000 - 1;
    expect(await provider()).toBe(a);
    now = 3_600_000 - 5 * 60_000 + 1;
    expect((await provider()).accessKeyId).toBe("AK2");
    expect(sts.calls).toHaveLength(2);
  });

  it("a denied AssumeRole is not cached: the next use tries again", async () => {
    const sts = fakeSts(3_600_000, () => 0);
    const provider = credentialsPerAccount(CALLER, "TagRole", sts.api, () => 0).providerFor("333333333333")!;
    await expect(provider()).rejects.toThrow(/AccessDenied/);
    await expect(provider()).rejects.toThrow(/AccessDenied/);
    expect(sts.calls).toHaveLength(2);
  });
});

describe("adaptive token bucket", () => {
  it("lets the burst through, then spaces requests at the seed rate", async () => {
    const clock = fakeClock();
    const bucket = createAdaptiveBucket({ rate: 20, burst: 3 }, clock);
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(clock.sleeps).toEqual([50, 50]);
  });

  it("halves its rate on throttling, empties, and earns the rate back on success", async () => {
    const clock = fakeClock();
    const bucket = createAdaptiveBucket({ rate: 10, burst: 100 }, clock);
    bucket.done(true);
    expect(bucket.rate).toBe(5);
    bucket.done(true);
    expect(bucket.rate).toBe(2.5);
    await bucket.take();
    expect(clock.sleeps).toEqual([400]); // empty: one token at 2.5/s
    for (let i = 0; i < 40; i++) bucket.done(false);
    expect(bucket.rate).toBe(10);
  });

  it("targetLimiter: one bucket per API, seeded from EC2's published limits; CloudTrail is paced elsewhere", () => {
    const limiter = targetLimiter(fakeClock());
    expect(limiter("EC2.DescribeInstances")).toBe(limiter("EC2.DescribeInstances"));
    expect(limiter("EC2.CreateTags")).not.toBe(limiter("EC2.DescribeInstances"));
    expect((limiter("EC2.DescribeInstances") as unknown as { rate: number }).rate).toBe(20);
    expect((limiter("EC2.CreateTags") as unknown as { rate: number }).rate).toBe(10);
    expect((limiter("EC2.TerminateInstances") as unknown as { rate: number }).rate).toBe(5);
    expect(limiter("CloudTrail.LookupEvents")).toBeUndefined();
  });
});

describe("forEachTarget and flags", () => {
  it("runs at most `concurrency` at once and starts nothing after Ctrl-C", async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const controller = new AbortController();
    await forEachTarget([1, 2, 3, 4, 5, 6], 2, controller.signal, async (n) => {
      started.push(n);
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      if (n === 3) controller.abort();
      running--;
    });
    expect(peak).toBe(2);
    expect(started).toEqual([1, 2, 3, 4]);
  });

  it("checkOrgOptions", () => {
    expect(() => checkOrgOptions({ accounts: ["111111111111"], regions: ["us-east-1", "eu-west-1"], assumeRole: "OrganizationAccountAccessRole" })).not.toThrow();
    expect(() => checkOrgOptions({ assumeRole: "arn:aws:iam::1:role/x" })).toThrow(/not an IAM role name/);
    expect(() => checkOrgOptions({ ou: ["ou-ab12-cd34ef56"], excludeAccounts: ["111111111111"] })).not.toThrow();
    expect(() => checkOrgOptions({ ou: ["r-ab12"] })).not.toThrow();
    expect(() => checkOrgOptions({ ou: ["sales"] })).toThrow(/--ou: "sales" is not an organizational unit or root id/);
    expect(() => checkOrgOptions({ ou: ["ou-ab12-cd34ef56"], accounts: ["111111111111"] })).toThrow(/--accounts and --ou cannot be combined/);
    expect(() => checkOrgOptions({ excludeAccounts: ["111111111111"] })).toThrow(/--exclude-accounts needs --org, --ou or --accounts/);
    expect(() => checkOrgOptions({ org: true, excludeAccounts: ["12"] })).toThrow(/--exclude-accounts: "12" is not a 12-digit/);
  });
});

describe("resolveTargets", () => {
  const services = (sts: CallerStsApi) => ({
    callerSts: async () => sts,
    organizations: async () =>
      fakeApi<OrganizationsApi>("organizations", {
        listAccounts: async () => [
          { id: "111111111111", name: "mgmt", status: "ACTIVE" },
          { id: "222222222222", name: "web", status: "ACTIVE" },
          { id: "444444444444", name: "old", status: "SUSPENDED" },
        ],
      }),
    ec2Regions: async () => ({ enabledRegions: async () => ["eu-west-1", "us-east-1"] }),
  });

  it("--org: ACTIVE accounts only; --regions all: DescribeRegions; each account × region once", async () => {
    const { ctx } = testContext({ services: services(fakeSts(1, () => 0).api) });
    const { targets } = await resolveTargets({ org: true, regions: ["all"] }, ctx);
    expect(targets).toEqual([
      { accountId: "111111111111", region: "eu-west-1" },
      { accountId: "111111111111", region: "us-east-1" },
      { accountId: "222222222222", region: "eu-west-1" },
      { accountId: "222222222222", region: "us-east-1" },
    ]);
  });

  it("--org when Organizations lists no ACTIVE account (or not the caller's): the caller's own account is still a target", async () => {
    const base = services(fakeSts(1, () => 0).api);
    for (const listed of [[], [{ id: "222222222222", name: "web", status: "ACTIVE" }]]) {
      const { ctx } = testContext({ services: { ...base, organizations: async () => fakeApi<OrganizationsApi>("organizations", { listAccounts: async () => listed }) } });
      const { targets } = await resolveTargets({ org: true }, ctx);
      expect(targets[0]).toEqual({ accountId: "111111111111", region: "us-east-1" });
      expect(targets).toHaveLength(listed.length + 1);
    }
  });

  it("--exclude-accounts drops accounts however selected, the caller's own included; all excluded is a usage error", async () => {
    const { ctx } = testContext({ services: services(fakeSts(1, () => 0).api) });
    expect((await resolveTargets({ org: true, excludeAccounts: ["111111111111"] }, ctx)).targets).toEqual([{ accountId: "222222222222", region: "us-east-1" }]);
    await expect(resolveTargets({ accounts: ["222222222222"], excludeAccounts: ["222222222222"] }, ctx)).rejects.toThrow(/--exclude-accounts leaves no account of the 1 selected/);
  });

  it("--ou: ACTIVE accounts of the unit and every unit below it (ListAccountsForParent + ListChildren); an unknown OU is a usage error", async () => {
    const tree: Record<string, { accounts: { id: string; status: string }[]; ous: string[] }> = {
      "ou-ab12-aaaaaaaa": { accounts: [{ id: "222222222222", status: "ACTIVE" }], ous: ["ou-ab12-bbbbbbbb"] },
      "ou-ab12-bbbbbbbb": { accounts: [{ id: "333333333333", status: "ACTIVE" }, { id: "444444444444", status: "SUSPENDED" }], ous: ["ou-ab12-cccccccc"] },
      "ou-ab12-cccccccc": { accounts: [{ id: "555555555555", status: "ACTIVE" }], ous: [] },
    };
    const calls: string[] = [];
    const notFound = () => new AwsError("Organizations", "ListAccountsForParent", "ParentNotFoundException", "no parent");
    const organizations = fakeApi<OrganizationsApi>("organizations", {
      listAccountsForParent: async (id) => {
        calls.push(`accounts ${id}`);
        if (!tree[id]) throw notFound();
        return tree[id]!.accounts.map((a) => ({ ...a, name: a.id }));
      },
      listChildOus: async (id) => (calls.push(`children ${id}`), tree[id]!.ous),
    });
    const { ctx } = testContext({ services: { ...services(fakeSts(1, () => 0).api), organizations: async () => organizations } });
    const { targets } = await resolveTargets({ ou: ["ou-ab12-aaaaaaaa"], excludeAccounts: ["555555555555"] }, ctx);
    // The caller (111…) is not in the OU: not a target; the SUSPENDED account is left out.
    expect(targets.map((t) => t.accountId)).toEqual(["222222222222", "333333333333"]);
    expect(calls).toEqual(["accounts ou-ab12-aaaaaaaa", "children ou-ab12-aaaaaaaa", "accounts ou-ab12-bbbbbbbb", "children ou-ab12-bbbbbbbb", "accounts ou-ab12-cccccccc", "children ou-ab12-cccccccc"]);
    await expect(resolveTargets({ ou: ["ou-ab12-zzzzzzzz"] }, ctx)).rejects.toThrow(/--ou ou-ab12-zzzzzzzz: the organization has no such organizational unit/);
  });

  it("no --accounts/--org: the caller's account; no --regions: the run's region; duplicates dropped", async () => {
    const { ctx } = testContext({ services: services(fakeSts(1, () => 0).api) });
    expect((await resolveTargets({ regions: ["eu-west-1", "eu-west-1"] }, ctx)).targets).toEqual([{ accountId: "111111111111", region: "eu-west-1" }]);
    expect((await resolveTargets({ accounts: ["222222222222", "222222222222"] }, ctx)).targets).toEqual([{ accountId: "222222222222", region: "us-east-1" }]);
  });
});

describe("targets with nothing in scope", () => {
  it("name only the scope flags that were passed, and sum up in one line per run", () => {
    expect(noInstanceText({ scopeFlags: "" })).toBe("no pending, running, stopping or stopped instance");
    expect(noInstanceText({ scopeFlags: "--vpc" })).toBe("no pending, running, stopping or stopped instance matched --vpc");
    const empty = [
      { accountId: "222222222222", region: "us-west-2" },
      { accountId: "111111111111", region: "us-east-2" },
      { accountId: "111111111111", region: "ap-south-1" },
    ];
    expect(emptyTargetsLine(empty, 10, { scopeFlags: "--vpc/--filter" })).toBe(
      "no pending, running, stopping or stopped instance matched --vpc/--filter in 3 of 10 target(s): 111111111111 ap-south-1 us-east-2; 222222222222 us-west-2",
    );
  });
});
