import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { startCloudTrailDouble, type CloudTrailDouble } from "../../../doubles/cloudtrail.js";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { snapshot } from "./world.js";
import { ACCOUNT, buildTypesWorld, type TypesWorld } from "./types-world.js";

const POLICY = "test/fixtures/tags/all-types.yaml";
const TYPES = "ec2:instance,s3,lambda:function,dynamodb:table";

interface Finding { instanceId: string; missing: string[]; empty: string[]; untagged: boolean; invalid?: { tagKey: string; value: string; canonical: string | null }[]; planned: { action: string; tagKey: string; value: string | null }[]; resourceType?: string; arn?: string }
interface Action { instanceId: string; action: string; tagKey?: string; value?: string; reason: string; result: string; error?: string; resourceType?: string; arn?: string }

describeWithMoto("tags scan|enforce --resource-types: one policy for instances, buckets, functions and tables", (moto) => {
  const NOW = new Date();
  let world: TypesWorld;
  let trail: CloudTrailDouble;
  const cli = async (args: string[]) => {
    let made: Record<string, number> = {};
    const run = await awsblog([...args, "--region", world.region], {
      env: { AWS_ENDPOINT_URL: moto().url, AWS_ENDPOINT_URL_CLOUDTRAIL: trail.url },
      now: () => NOW,
      onCalls: (calls) => (made = Object.fromEntries(calls)),
    });
    return { ...run, calls: () => made };
  };
  // Only this world's resources (moto is shared by the worker's test files; buckets are global).
  const mine = (arnOrId: string) => [world.instance.compliant, world.instance.missing, world.bucket, world.fn.name, world.table.prod, world.table.bad, world.table.ok].some((n) => arnOrId.endsWith(n) || arnOrId.endsWith(`/${n}`));

  beforeAll(async () => {
    world = await buildTypesWorld(moto().url, NOW, `t${process.pid}`);
  });
  beforeEach(async () => {
    trail = await startCloudTrailDouble({ events: world.runEvents, createEvents: world.createEvents, toleranceMs: 100 });
  });
  afterEach(async () => trail?.stop());

  it("scan: the same report lists each type with its resourceType and ARN; values outside AllowedValues are violations", async () => {
    const run = await cli(["tags", "scan", "--policy", POLICY, "--vpc", world.vpc, "--resource-types", TYPES, "-o", "json"]);
    expect(run.code, run.stderr).toBe(3);
    const out = run.json<{ scanned: number; violations: Finding[] }>();
    const byArn = new Map(out.violations.filter((v) => mine(v.instanceId)).map((v) => [v.arn, v]));
    const instanceArn = `arn:aws:ec2:${world.region}:${ACCOUNT}:instance/${world.instance.missing}`;
    expect(byArn.get(instanceArn)).toMatchObject({ instanceId: world.instance.missing, resourceType: "ec2:instance", missing: ["ProjectCode", "CreatedBy"] });
    expect(byArn.get(`arn:aws:s3:::${world.bucket}`)).toMatchObject({ instanceId: `arn:aws:s3:::${world.bucket}`, resourceType: "s3:bucket", missing: ["ProjectCode", "CreatedBy"], untagged: false });
    expect(byArn.get(world.fn.arn)).toMatchObject({
      resourceType: "lambda:function",
      missing: ["CreatedBy"],
      invalid: [{ tagKey: "Environment", value: "PROD", canonical: "Production" }],
      planned: [{ action: "UserLookup", tagKey: "CreatedBy", value: null }, { action: "Normalize", tagKey: "Environment", value: "Production" }],
    });
    expect(byArn.get(world.table.prodArn)).toMatchObject({ resourceType: "dynamodb:table", missing: ["CreatedBy"], invalid: [{ tagKey: "Environment", value: "prod", canonical: "Production" }] });
    expect(byArn.get(world.table.badArn)).toMatchObject({ missing: [], invalid: [{ tagKey: "Environment", value: "qa", canonical: null }], planned: [] });
    // Compliant: the instance with both keys and the Staging table.
    expect([...byArn.keys()].sort()).toEqual([instanceArn, `arn:aws:s3:::${world.bucket}`, world.fn.arn, world.table.prodArn, world.table.badArn].sort());
    expect(run.calls()["ResourceGroupsTaggingAPI.GetResources"]).toBeGreaterThanOrEqual(1);
    expect(run.calls()["EC2.DescribeInstances"]).toBe(1);

    const text = await cli(["tags", "scan", "--policy", POLICY, "--vpc", world.vpc, "--resource-types", TYPES]);
    expect(text.stdout).toContain(`arn:aws:s3:::${world.bucket}`);
    expect(text.stdout).toMatch(/^RESOURCE\s+VPC\s+STATE\s+VIOLATIONS/);
    expect(text.stdout).toMatch(/invalid Environment=PROD/);
    expect(text.stdout).toMatch(/scanned \d+ resource\(s\): \d+ compliant, \d+ in violation/);
    // An org run's text names resources too, and its VIOLATIONS column shows invalid values.
    const org = await cli(["tags", "scan", "--policy", POLICY, "--vpc", world.vpc, "--resource-types", TYPES, "--accounts", ACCOUNT, "--regions", world.region]);
    expect(org.code, org.stderr).toBe(3);
    expect(org.stdout).toMatch(/^ACCOUNT\s+REGION\s+RESOURCE\s+VPC\s+STATE\s+VIOLATIONS/);
    expect(org.stdout).toMatch(/invalid Environment=PROD/);
    expect(org.stdout).toMatch(/\nscanned \d+ resource\(s\) in 1 target\(s\): \d+ compliant, \d+ in violation\n?$/);
    expect(org.stdout).not.toMatch(/instance\(s\)/);
  });

  it("enforce: CreatedBy from each type's create event, TagResources grouped per tag set, FailedResourcesMap per resource (exit 4)", async () => {
    const run = await cli(["tags", "enforce", "--policy", POLICY, "--vpc", world.vpc, "--resource-types", TYPES, "-o", "json"]);
    expect(run.code, run.stderr).toBe(4); // moto's TagResources does not support S3: the bucket fails alone
    const out = run.json<{ actions: Action[]; creatorLookup: { pages: number; found: number; wanted: number } }>();
    const actions = out.actions.filter((a) => mine(a.instanceId));
    const of = (id: string) => actions.filter((a) => a.instanceId === id).map((a) => [a.tagKey, a.value, a.reason, a.result]);

    expect(of(world.instance.missing)).toEqual([["ProjectCode", "Proj007", "missing", "done"], ["CreatedBy", "carol", "missing", "done"]]);
    expect(of(world.fn.arn)).toEqual([["CreatedBy", `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci`, "missing", "done"], ["Environment", "Production", "invalid", "done"]]);
    expect(of(world.table.prodArn)).toEqual([["CreatedBy", "carol", "missing", "done"], ["Environment", "Production", "invalid", "done"]]);
    // The newer of two CreateBucket events for the same name is the creator.
    expect(of(`arn:aws:s3:::${world.bucket}`)).toEqual([["ProjectCode", "Proj007", "missing", "failed"], ["CreatedBy", "carol", "missing", "failed"]]);
    expect(actions.find((a) => a.resourceType === "s3:bucket")!.error).toMatch(/TagResources failed for this resource: InternalServiceException \(HTTP 404\)/);
    expect(of(world.table.badArn)).toEqual([]); // no canonical value to write: reported by scan only

    // State in moto.
    expect(await world.tagsOf.fn()).toMatchObject({ ProjectCode: "P9", Environment: "Production", CreatedBy: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci` });
    expect(await world.tagsOf.table(world.table.prodArn)).toMatchObject({ Environment: "Production", CreatedBy: "carol", ProjectCode: "P2" });
    expect(await world.tagsOf.table(world.table.badArn)).toMatchObject({ Environment: "qa" });
    expect(await world.tagsOf.bucket()).toEqual({ Team: "finance" });
    expect((await snapshot(world.ec2)).get(world.instance.missing)!.tags).toEqual({ Name: "web", ProjectCode: "Proj007", CreatedBy: "carol" });

    // Calls: one TagResources per distinct tag set (bucket, function, table), one CreateTags per (key, value).
    const calls = run.calls();
    expect(calls["ResourceGroupsTaggingAPI.TagResources"]).toBe(3);
    expect(calls["EC2.CreateTags"]).toBe(2);
    // CloudTrail: RunInstances 1 page, CreateBucket 1, CreateFunction20150331 1, CreateTable 2 (60 newer tables first).
    const names = trail.requests.map((r) => (r.body.LookupAttributes as { AttributeValue: string }[])[0]!.AttributeValue);
    expect(names.sort()).toEqual(["CreateBucket", "CreateFunction20150331", "CreateTable", "CreateTable", "RunInstances"]);
    expect(trail.throttled).toBe(0);
    expect(out.creatorLookup).toMatchObject({ wanted: 4, found: 4, pages: 5 });
  });

  it("Stop/Terminate stay EC2-only: --untagged stop with other types is a one-line usage error before any call", async () => {
    const run = await cli(["tags", "enforce", "--policy", POLICY, "--resource-types", "s3,ec2:instance", "--untagged", "stop"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual(["awsblog: --untagged stop applies to EC2 instances only, and --resource-types includes s3 — for other types use --untagged report or tag (and --notify); run stop/terminate with --resource-types ec2:instance"]);
    expect(run.calls()["EC2.StopInstances"] ?? 0).toBe(0);
    const bad = await cli(["tags", "scan", "--policy", POLICY, "--resource-types", "S3 buckets"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^awsblog: --resource-types: "S3 buckets" is not a resource type — /);
    const mixed = await cli(["tags", "scan", "--policy", POLICY, "--resource-types", "all,s3"]);
    expect(mixed.code).toBe(2);
    // tags schedule checks the same before deploying anything.
    const deploy = ["tags", "schedule", "--name", "tag-policy", "--policy", POLICY, "--schedule", "rate(1 day)", "--role", `arn:aws:iam::${ACCOUNT}:role/awsblog-tags`];
    const scheduled = await cli([...deploy, "--resource-types", "s3", "--enforce", "--untagged", "terminate"]);
    expect(scheduled.code).toBe(2);
    expect(scheduled.stderr).toMatch(/^awsblog: --untagged terminate applies to EC2 instances only, and --resource-types includes s3 — /);
    const propagateScan = await cli([...deploy, "--propagate"]);
    expect(propagateScan.code).toBe(2);
    expect(propagateScan.stderr).toMatch(/^awsblog: --propagate and --propagate-overwrite apply to --enforce runs — /);
    expect(Object.keys(scheduled.calls()).filter((k) => k.startsWith("Lambda.") || k.startsWith("EventBridge."))).toEqual([]);
  });
});
