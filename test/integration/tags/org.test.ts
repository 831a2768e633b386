import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CreateOrganizationalUnitCommand, ListRootsCommand, MoveAccountCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { buildOrgWorld, CALLER, REGIONS, startStsProxy, tagsIn, type OrgWorld, type StsProxy } from "./world.js";

const RULES = "test/fixtures/tags/rules.yaml";
const dir = mkdtempSync(join(tmpdir(), "awsblog-org-"));

interface Target { accountId: string; region: string; status: string; scanned: number; violations: number; error?: string }
interface OrgScan { scanned: number; compliant: number; violations: { accountId: string; region: string; instanceId: string; missing: string[] }[]; targets: Target[] }
interface OrgEnforce { scanned: number; actions: { accountId: string; region: string; instanceId: string; tagKey?: string; value?: string; result: string }[]; targets: Target[]; notified: boolean }

describeWithMoto("tags scan/enforce across an organization (moto, STS proxy denying one account)", (moto) => {
  let world: OrgWorld;
  let sts: StsProxy;
  const NOW = new Date();
  const cli = async (args: string[]) => {
    let made: Record<string, number> = {};
    const run = await awsblog(args, {
      env: { AWS_ENDPOINT_URL: moto().url, AWS_ENDPOINT_URL_STS: sts.url },
      now: () => NOW,
      onCalls: (calls) => (made = Object.fromEntries(calls)),
    });
    return { ...run, calls: () => made };
  };
  const orgFlags = ["--org", "--regions", REGIONS.join(",")];

  beforeAll(async () => {
    world = await buildOrgWorld(moto().url);
    sts = await startStsProxy(moto().url, world.denied);
  }, 60_000);
  afterAll(async () => sts?.stop());

  it("scan --org: every ACTIVE account × region is a target; the denied account fails with its AWS error; exit 4", async () => {
    const run = await cli(["tags", "scan", "--policy", RULES, ...orgFlags, "-o", "json"]);
    expect(run.code, run.stderr).toBe(4);
    const out = run.json<OrgScan>();
    const accounts = [CALLER, ...world.members, world.denied];
    expect(out.targets.map((t) => `${t.accountId}/${t.region}`).sort()).toEqual(accounts.flatMap((a) => REGIONS.map((r) => `${a}/${r}`)).sort());
    for (const t of out.targets) {
      if (t.accountId === world.denied) {
        expect(t).toMatchObject({ status: "failed", scanned: 0 });
        expect(t.error).toMatch(/^STS AssumeRole failed: AccessDenied \(.*not authorized to perform: sts:AssumeRole/);
      } else expect(t).toEqual({ accountId: t.accountId, region: t.region, status: "ok", scanned: 3, violations: 2 });
    }
    expect(out.scanned).toBe(18);
    expect(out.compliant).toBe(6);
    expect(out.violations).toHaveLength(12);
    for (const v of out.violations) expect(v.missing).toEqual(["ProjectCode", "CreatedBy"]);
    // The caller's own account used its own credentials: no AssumeRole into it.
    expect(sts.assumed.filter((arn) => arn.includes(`::${CALLER}:`))).toEqual([]);
  });

  it("-o json is written as targets finish, in target order; Ctrl-C closes it validly with \"interrupted\": true, exit 130", async () => {
    const ctrlC = interrupts();
    let pressed = false;
    const run = await awsblog(["tags", "scan", "--policy", RULES, "--accounts", world.members.join(","), "--regions", REGIONS.join(","), "--concurrency", "1", "-o", "json"], {
      env: { AWS_ENDPOINT_URL: moto().url, AWS_ENDPOINT_URL_STS: sts.url },
      now: () => NOW,
      interrupts: ctrlC,
      // The first target's violations reach stdout while the run goes on: press Ctrl-C then.
      onStdout: (text) => {
        if (!pressed && text.includes('"instanceId"')) {
          pressed = true;
          ctrlC.interrupt();
        }
      },
    });
    expect(pressed).toBe(true);
    expect(run.code, run.stderr).toBe(130);
    const out = JSON.parse(run.stdout) as OrgScan & { interrupted?: boolean };
    expect(out.interrupted).toBe(true);
    const all = world.members.length * REGIONS.length;
    expect(out.targets.length).toBeGreaterThanOrEqual(1);
    expect(out.targets.length).toBeLessThan(all);
    // A target whose read was cut by Ctrl-C may be listed as failed; the finished ones are complete.
    const ok = out.targets.filter((t) => t.status === "ok").length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(out.violations).toHaveLength(ok * 2);
    const order = out.violations.map((v) => `${v.accountId}/${v.region}`);
    expect(order).toEqual([...order].sort());
    expect(out.scanned).toBe(ok * 3);
  });

  it("on a TTY: one progress line per running target, redrawn in place; text output lists account and region", async () => {
    const run = await awsblog(["tags", "scan", "--policy", RULES, "--accounts", world.members.join(","), "--regions", REGIONS.join(","), "--concurrency", "2"], {
      env: { AWS_ENDPOINT_URL: moto().url, AWS_ENDPOINT_URL_STS: sts.url },
      now: () => NOW,
      tty: true,
    });
    expect(run.code, run.stderr).toBe(3);
    for (const account of world.members) {
      for (const region of REGIONS) {
        expect(run.stderr).toContain(`\x1b[2K${account}/${region}  listing instances…`);
        expect(run.stderr).toContain(`${account}/${region}: scanned 3, 2 in violation`);
      }
    }
    // Never more than --concurrency lines on the board at once.
    const boards = run.stderr.split("\x1b[J").map((chunk) => chunk.split("\x1b[2K").length - 1);
    expect(Math.max(...boards)).toBeLessThanOrEqual(2);
    expect(run.stdout).toMatch(/^ACCOUNT\s+REGION\s+INSTANCE\s+VPC\s+STATE\s+VIOLATIONS/);
    expect(run.stdout).toMatch(/4 of 4 target\(s\) ok\nscanned 12 instance\(s\) in 4 target\(s\): 4 compliant, 8 in violation\n$/);
  });

  it("regions with nothing in scope are one summary line, naming no --vpc/--filter that was not passed", async () => {
    const empty = ["ap-south-1", "ca-central-1", "sa-east-1"];
    const run = await cli(["tags", "scan", "--policy", RULES, "--accounts", world.members.join(","), "--regions", [...REGIONS, ...empty].join(",")]);
    expect(run.code, run.stderr).toBe(3);
    const total = world.members.length * (REGIONS.length + empty.length);
    const lines = run.stderr.trimEnd().split("\n");
    const summary = lines.filter((line) => line.includes("no pending, running, stopping or stopped instance"));
    const list = [...world.members].sort().map((account) => `${account} ${empty.join(" ")}`).join("; ");
    expect(summary).toEqual([`no pending, running, stopping or stopped instance in ${world.members.length * empty.length} of ${total} target(s): ${list}`]);
    expect(run.stderr).not.toMatch(/--vpc|--filter|scanned 0/);
    // The targets with instances still get their line each.
    expect(lines.filter((line) => / scanned 3, 2 in violation$/.test(line))).toHaveLength(world.members.length * REGIONS.length);
  });

  it("enforce --accounts: tags each member account in each region, leaves the denied account untouched, reports it, --report csv", async () => {
    const deniedBefore = await Promise.all(REGIONS.map((r) => tagsIn(world, world.denied, r)));
    const before = sts.assumed.length;
    const report = join(dir, "actions.csv");
    const accounts = [...world.members, world.denied].join(",");
    const run = await cli(["tags", "enforce", "--policy", RULES, "--accounts", accounts, "--regions", REGIONS.join(","), "--no-creator-lookup", "--concurrency", "3", "--report", report, "-o", "json"]);
    expect(run.code, run.stderr).toBe(4);
    const out = run.json<OrgEnforce>();
    expect(out.targets.filter((t) => t.status === "failed").map((t) => t.accountId)).toEqual([world.denied, world.denied]);
    for (const account of world.members) {
      for (const region of REGIONS) {
        const tags = await tagsIn(world, account, region);
        expect(tags).toHaveLength(3);
        for (const t of tags) expect(t).toMatchObject({ ProjectCode: expect.any(String), CreatedBy: expect.any(String) });
        expect(tags.filter((t) => t.CreatedBy === "Undefined" && t.ProjectCode === "Proj007")).toHaveLength(2);
      }
    }
    // Untouched: the caller's account was not in --accounts, the denied one could not be entered.
    expect(await Promise.all(REGIONS.map((r) => tagsIn(world, world.denied, r)))).toEqual(deniedBefore);
    expect((await tagsIn(world, CALLER, "us-east-1")).filter((t) => t.Name)).toEqual([{ Name: `${CALLER}-us-east-1` }, { Name: `${CALLER}-us-east-1` }]);
    expect(out.actions.every((a) => a.result === "done")).toBe(true);
    expect(new Set(out.actions.map((a) => `${a.accountId}/${a.region}`))).toEqual(new Set(world.members.flatMap((a) => REGIONS.map((r) => `${a}/${r}`))));
    // One AssumeRole per member account, reused across its regions and clients.
    const assumed = sts.assumed.slice(before);
    for (const account of world.members) expect(assumed.filter((arn) => arn === `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`)).toHaveLength(1);
    expect(run.calls()["EC2.CreateTags"]).toBe(8); // 2 fixes (one per tag key) × 4 targets
    const csv = readFileSync(report, "utf8").trim().split("\n");
    expect(csv[0]).toBe("accountId,region,instanceId,action,tagKey,value,reason,result,error");
    expect(csv.filter((l) => l.endsWith(",tag,ProjectCode,Proj007,missing,done,") || l.includes(",tag,ProjectCode,Proj007,missing,done,"))).toHaveLength(8);
    expect(csv.filter((l) => l.startsWith(`${world.denied},`))).toHaveLength(2);
    expect(csv.find((l) => l.startsWith(`${world.denied},`))).toMatch(/STS AssumeRole failed: AccessDenied/);
  });

  it("--ou: the ACTIVE accounts of an OU and its child OUs (moto Organizations), minus --exclude-accounts; the caller is not added", async () => {
    const org = new OrganizationsClient(motoClientConfig(moto().url));
    const root = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const parent = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: "workloads" }))).OrganizationalUnit!.Id!;
    const child = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: "prod" }))).OrganizationalUnit!.Id!;
    await org.send(new MoveAccountCommand({ AccountId: world.members[0]!, SourceParentId: root, DestinationParentId: parent }));
    await org.send(new MoveAccountCommand({ AccountId: world.members[1]!, SourceParentId: root, DestinationParentId: child }));
    const scan = async (...extra: string[]) => {
      const run = await cli(["tags", "scan", "--policy", RULES, "--ou", parent, "--regions", "us-east-1", ...extra, "-o", "json"]);
      // 0 or 3: the enforce test above may already have fixed these accounts.
      expect([0, 3], run.stderr).toContain(run.code);
      return { accounts: run.json<OrgScan>().targets.map((t) => t.accountId), calls: run.calls() };
    };
    const all = await scan();
    expect(all.accounts).toEqual([...world.members].sort());
    expect(all.calls["Organizations.ListAccountsForParent"]).toBe(2);
    expect(all.calls["Organizations.ListChildren"]).toBe(2);
    expect(all.calls["Organizations.ListAccounts"]).toBeUndefined();
    expect((await scan("--exclude-accounts", world.members[1]!)).accounts).toEqual([world.members[0]]);
    // --org --exclude-accounts: every ACTIVE account but the excluded ones, the caller's own too.
    const run = await cli(["tags", "scan", "--policy", RULES, "--org", "--exclude-accounts", `${CALLER},${world.denied}`, "--regions", "us-east-1", "-o", "json"]);
    expect([0, 3], run.stderr).toContain(run.code);
    expect(run.json<OrgScan>().targets.map((t) => t.accountId)).toEqual([...world.members].sort());
    const missing = await cli(["tags", "scan", "--policy", RULES, "--ou", "ou-zzzz-zzzzzzzz"]);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/^awsblog: --ou ou-zzzz-zzzzzzzz: the organization has no such organizational unit or root — /);
  });

  it("bad org flags are usage errors before any AWS call", async () => {
    const cases: [string[], RegExp][] = [
      [["--accounts", "12345"], /--accounts: "12345" is not a 12-digit AWS account id/],
      [["--org", "--accounts", "111111111111"], /--accounts and --org cannot be combined/],
      [["--regions", "all,us-east-1"], /--regions all cannot be combined/],
      [["--regions", "mars"], /--regions: "mars" is not a region name/],
      [["--ou", "sales"], /--ou: "sales" is not an organizational unit or root id/],
      [["--exclude-accounts", "111111111111"], /--exclude-accounts needs --org, --ou or --accounts/],
      [["--concurrency", "0"], /--concurrency must be a whole number from 1 to 64/],
      [["--org", "--report", join(dir, "x.txt")], /must end in .csv, .json or .jsonl/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(["tags", "scan", "--policy", RULES, ...args]);
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(Object.keys(run.calls())).toEqual([]);
    }
  });
});
