import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { beforeAll, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { buildWorld, snapshot, type World } from "./world.js";

interface Violation { instanceId: string; vpcId: string; state: string; untagged: boolean; missing: string[]; empty: string[]; planned: { action: string; tagKey: string; value: string | null }[] }
interface ScanJson { scanned: number; compliant: number; violations: Violation[] }

const RULES = "test/fixtures/tags/rules.yaml";

describeWithMoto("tags scan against moto", (moto) => {
  let world: World;
  // One pinned "now" for the CLI and the expectations: today() never straddles UTC midnight.
  const NOW = new Date();
  const in30Days = new Date(NOW.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
  const cli = (args: string[]) => awsblog([...args, "--endpoint-url", moto().url], { now: () => NOW });
  const scope = () => ["--vpc", world.vpcA, "--vpc", world.vpcB];

  beforeAll(async () => {
    world = await buildWorld(moto().url, NOW);
    const ddb = new DynamoDBClient(motoClientConfig(moto().url));
    for (const table of ["acme_cloud_policy_tagging_def", "bad_rules"]) {
      await ddb.send(new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: "RuleId", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "RuleId", AttributeType: "N" }],
        BillingMode: "PAY_PER_REQUEST",
      }));
    }
    // The post's table, as its CLI walkthrough fills it (Required as the strings Y/N).
    const put = (table: string, item: Record<string, { N: string } | { S: string }>) => ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    await put("acme_cloud_policy_tagging_def", { RuleId: { N: "1" }, TagKey: { S: "ProjectCode" }, Action: { S: "Update" }, Required: { S: "Y" }, Default: { S: "Proj007" } });
    await put("acme_cloud_policy_tagging_def", { RuleId: { N: "2" }, TagKey: { S: "CreatedBy" }, Action: { S: "UserLookup" }, Required: { S: "Y" } });
    await put("acme_cloud_policy_tagging_def", { RuleId: { N: "3" }, TagKey: { S: "Expires" }, Action: { S: "Function" }, Required: { S: "N" }, Default: { S: "today(+30d)" } });
    await put("bad_rules", { RuleId: { N: "4" }, TagKey: { S: "Expires" }, Action: { S: "Function" }, Required: { S: "N" }, Default: { S: "tomorrow()" } });
  });

  it("reports every kind of violation in the VPCs in scope and exits 3", async () => {
    const before = await snapshot(world.ec2);
    const run = await cli(["tags", "scan", "--policy", RULES, ...scope(), "-o", "json"]);
    expect(run.code, run.stderr).toBe(3);
    const out = run.json<ScanJson>();
    expect(out.scanned).toBe(10); // 11 live instances, one outside the scope; the terminated one is never scanned
    expect(out.compliant).toBe(1);
    const byId = new Map(out.violations.map((v) => [v.instanceId, v]));
    expect(byId.has(world.ids.compliant) || byId.has(world.ids.outOfScope) || byId.has(world.ids.terminated)).toBe(false);
    expect(byId.get(world.ids.missing)).toEqual({
      instanceId: world.ids.missing, vpcId: world.vpcA, state: "running", untagged: false,
      missing: ["ProjectCode", "CreatedBy"], empty: [],
      planned: [{ action: "Update", tagKey: "ProjectCode", value: "Proj007" }, { action: "UserLookup", tagKey: "CreatedBy", value: null }],
    });
    expect(byId.get(world.ids.empty)).toMatchObject({
      missing: [], empty: ["ProjectCode", "Expires"],
      planned: [{ action: "Update", tagKey: "ProjectCode", value: "Proj007" }, { action: "Function", tagKey: "Expires", value: in30Days }],
    });
    expect(byId.get(world.ids.asg)).toMatchObject({ untagged: true, missing: ["ProjectCode", "CreatedBy"], planned: [] });
    expect(byId.get(world.ids.stoppedUntagged)).toMatchObject({ vpcId: world.vpcB, state: "stopped", untagged: true });
    expect(await snapshot(world.ec2)).toEqual(before); // read-only
  });

  it("tag-audit is the same command; text output is a table and a summary", async () => {
    const viaAlias = await cli(["tag-audit", "--policy", "test/fixtures/tags/rules.json", ...scope(), "-o", "json"]);
    const viaScan = await cli(["tags", "scan", "--policy", RULES, ...scope(), "-o", "json"]);
    expect(viaAlias.code).toBe(3);
    expect(viaAlias.json()).toEqual(viaScan.json());
    const text = await cli(["tags", "scan", "--policy", RULES, ...scope()]);
    expect(text.stdout).toMatch(/^INSTANCE\s+VPC\s+STATE\s+VIOLATIONS\s+PLANNED FIXES/);
    expect(text.stdout).toContain(`${world.ids.missing}`);
    expect(text.stdout).toMatch(/scanned 10 instance\(s\): 1 compliant, 9 in violation\n$/);
  });

  it("reads the post's DynamoDB table with the same result, and --filter narrows the scope", async () => {
    const fromTable = await cli(["tags", "scan", "--policy", "dynamodb://acme_cloud_policy_tagging_def", ...scope(), "-o", "json"]);
    const fromFile = await cli(["tags", "scan", "--policy", RULES, ...scope(), "-o", "json"]);
    expect(fromTable.code, fromTable.stderr).toBe(3);
    expect(fromTable.json()).toEqual(fromFile.json());
    const filtered = await cli(["tags", "scan", "--policy", RULES, "--filter", "tag:Team=data", "-o", "json"]);
    expect(filtered.json<ScanJson>().violations.map((v) => v.instanceId)).toEqual([world.ids.assumedRole]);
    const compliantOnly = await cli(["tags", "scan", "--policy", RULES, "--filter", "Name=tag:CreatedBy,Values=bob", "-o", "json"]);
    expect(compliantOnly.code).toBe(0);
    expect(compliantOnly.json()).toEqual({ scanned: 1, compliant: 1, violations: [] });
  });

  it("bad rules and flags fail with exit 2 naming what is wrong", async () => {
    const dir = mkdtempSync(join(tmpdir(), "awsblog-rules-"));
    const noDefault = join(dir, "no-default.json");
    writeFileSync(noDefault, JSON.stringify([{ RuleId: 5, TagKey: "Owner", Action: "Update", Required: "Y" }]));
    const cases: [string[], RegExp][] = [
      [["--policy", "test/fixtures/tags/bad-action.yaml"], /rule RuleId=7: field Action must be Update, UserLookup or Function, got "Delete"/],
      [["--policy", noDefault], /rule RuleId=5: field Default is required for Action Update/],
      [["--policy", "dynamodb://bad_rules"], /dynamodb:\/\/bad_rules: rule RuleId=4: field Default must be today\(\) or today\(\+Nd\)/],
      [["--policy", join(dir, "absent.yaml")], /cannot read .*absent\.yaml \(ENOENT\)/],
      [["--policy", RULES, "--vpc", "subnet-123"], /--vpc "subnet-123" is not a VPC id/],
      [["--policy", RULES, "--filter", "oops"], /--filter "oops" is not Name=Values/],
      [["--policy", RULES, "--filter", "Team=web"], /EC2 has no filter named "Team" .* — for the tag Team use --filter tag:Team=web/],
      [[], /--policy is required — pass a rules file/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(["tags", "scan", ...args]);
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stdout).toBe("");
    }
  });

  it("bad enforce flags fail with exit 2 before any AWS call", async () => {
    const cases: [string[], RegExp][] = [
      [["--untagged", "delete"], /--untagged <mode>' argument 'delete' is invalid/],
      [["--lookback-days", "91"], /--lookback-days must be a whole number from 1 to 90, got "91"/],
      [["--notify", "arn:aws:sns:us-east-1:123456789012:t.fifo"], /not a standard SNS topic ARN/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(["tags", "enforce", "--policy", RULES, ...args]);
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe("");
    }
  });

  it("a rules table that does not exist is an AWS error: exit 1, one line naming DynamoDB Scan and the code", async () => {
    const run = await cli(["tags", "scan", "--policy", "dynamodb://no_such_table"]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: DynamoDB Scan failed: ResourceNotFoundException \(dynamodb:\/\/no_such_table: table not found in this region\) — check the table name/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stdout).toBe("");
  });
});
