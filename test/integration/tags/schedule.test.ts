import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EventBridgeClient, DescribeRuleCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetFunctionCommand, GetPolicyCommand, LambdaClient, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { DescribeStateMachineCommand, ListTagsForResourceCommand, SFNClient } from "@aws-sdk/client-sfn";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateOrganizationalUnitCommand, ListRootsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { createRequire } from "node:module";
import yauzl from "yauzl";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { runStateMachine } from "./asl-runner.js";
import { buildOrgWorld, CALLER, startStsProxy, tagsIn, type OrgWorld, type StsProxy } from "./world.js";

/** asl-validator (CommonJS, no types): the Amazon States Language checker from npm. */
const validateAsl = createRequire(import.meta.url)("asl-validator") as (definition: unknown) => { isValid: boolean; errorsText(separator?: string): string };
const FAN_OUT_ROLE = `arn:aws:iam::${CALLER}:role/awsblog-tags-fan-out`;

const RULES = "test/fixtures/tags/rules.yaml";
const BUNDLE = "dist/lambda/tags-handler.mjs";
const dir = mkdtempSync(join(tmpdir(), "awsblog-schedule-"));
const ROLE = `arn:aws:iam::${CALLER}:role/awsblog-tags`;
/** The command's clock: Node.js 20 is past end of life, nodejs24.x the newest runtime. */
const TODAY = new Date("2026-12-06T09:00:00Z");

interface Scheduled { functionArn: string; ruleArn: string; schedule: string; codeSha256: string }
type Handler = (event: unknown) => Promise<unknown>;

/** index.mjs out of the function zip, written where it can be imported. */
async function extractHandler(zipPath: string): Promise<Handler> {
  const content = await new Promise<Buffer>((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName !== "index.mjs") return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => resolve(Buffer.concat(chunks)));
        });
      });
      zip.on("end", () => reject(new Error("no index.mjs in the zip")));
      zip.readEntry();
    });
  });
  const target = mkdtempSync(join(tmpdir(), "awsblog-handler-"));
  writeFileSync(join(target, "index.mjs"), content);
  return ((await import(pathToFileURL(join(target, "index.mjs")).href)) as { handler: Handler }).handler;
}

describeWithMoto("tags schedule: Lambda + EventBridge on moto, the zip's handler run in-process", (moto) => {
  let world: OrgWorld;
  let sts: StsProxy;
  const env = () => ({ AWS_ENDPOINT_URL: moto().url, AWS_ENDPOINT_URL_STS: sts.url });
  const cli = async (args: string[], now = TODAY) => {
    let made: Record<string, number> = {};
    const run = await awsblog(args, { env: env(), now: () => now, onCalls: (calls) => (made = Object.fromEntries(calls)) });
    return { ...run, calls: () => made };
  };
  const lambda = () => new LambdaClient(motoClientConfig(moto().url));
  const events = () => new EventBridgeClient(motoClientConfig(moto().url));

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
    world = await buildOrgWorld(moto().url, 2);
    sts = await startStsProxy(moto().url, world.denied);
    // moto's Lambda wants the execution role to exist.
    const body = new URLSearchParams({ Action: "CreateRole", Version: "2010-05-08", RoleName: "awsblog-tags", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
    const res = await fetch(`${moto().url}/`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x" } });
    expect(res.status).toBe(200);
  }, 60_000);
  afterAll(async () => sts?.stop());

  const accounts = () => [...world.members, world.denied].join(",");

  it("deploys function, rule, target and permission; CodeSha256 matches --out; a rerun skips the upload", async () => {
    const zip = join(dir, "fn.zip");
    const args = ["tags", "schedule", "--name", "tag-policy", "--policy", RULES, "--accounts", accounts(), "--regions", "us-east-1", "--schedule", "rate(1 day)", "--role", ROLE, "--out", zip, "-o", "json"];
    const run = await cli(args);
    expect(run.code, run.stderr).toBe(0);
    const out = run.json<Scheduled>();
    expect(out.schedule).toBe("rate(1 day)");
    expect(out.codeSha256).toBe(createHash("sha256").update(readFileSync(zip)).digest("base64"));
    const fn = await lambda().send(new GetFunctionCommand({ FunctionName: "tag-policy" }));
    expect(fn.Configuration).toMatchObject({ FunctionArn: out.functionArn, CodeSha256: out.codeSha256, Runtime: "nodejs24.x", Handler: "index.handler", Role: ROLE, Timeout: 900 });
    const rule = await events().send(new DescribeRuleCommand({ Name: "tag-policy" }));
    expect(rule).toMatchObject({ Arn: out.ruleArn, ScheduleExpression: "rate(1 day)", State: "ENABLED" });
    const targets = await events().send(new ListTargetsByRuleCommand({ Rule: "tag-policy" }));
    expect(targets.Targets).toHaveLength(1);
    expect(targets.Targets![0]!.Arn).toBe(out.functionArn);
    const event = JSON.parse(targets.Targets![0]!.Input!) as Record<string, unknown>;
    expect(event).toMatchObject({ command: "scan", policy: RULES, accounts: accounts().split(","), regions: ["us-east-1"], assumeRole: "OrganizationAccountAccessRole" });
    expect(event.rules).toEqual([
      { RuleId: 1, TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "Proj007" },
      { RuleId: 2, TagKey: "CreatedBy", Action: "UserLookup", Required: "Y" },
      { RuleId: 3, TagKey: "Expires", Action: "Function", Required: "N", Default: "today(+30d)" },
    ]);
    const policy = JSON.parse((await lambda().send(new GetPolicyCommand({ FunctionName: "tag-policy" }))).Policy!) as { Statement: { Sid: string; Principal: { Service: string }; Condition: { ArnLike: Record<string, string> } }[] };
    expect(policy.Statement).toEqual([expect.objectContaining({ Sid: "awsblog-tags-tag-policy", Principal: { Service: "events.amazonaws.com" }, Condition: { ArnLike: { "AWS:SourceArn": out.ruleArn } } })]);

    // A function left on a runtime Lambda no longer updates is moved before anything else.
    await lambda().send(new UpdateFunctionConfigurationCommand({ FunctionName: "tag-policy", Runtime: "nodejs20.x" }));
    const again = await cli(args.filter((a) => a !== "--out" && a !== zip));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("function tag-policy: runtime nodejs20.x → nodejs24.x");
    expect((await lambda().send(new GetFunctionCommand({ FunctionName: "tag-policy" }))).Configuration?.Runtime).toBe("nodejs24.x");
    expect(again.json<Scheduled>().codeSha256).toBe(out.codeSha256);
    expect(again.stderr).toMatch(/code unchanged \(CodeSha256 .*\), not uploaded/);
    expect(again.calls()["Lambda.UpdateFunctionCode"] ?? 0).toBe(0);
    expect(again.calls()["Lambda.AddPermission"] ?? 0).toBe(0);
  });

  it("the zip's handler, given the rule's event, returns what `tags scan -o json` prints; it throws only when no target could be scanned", async () => {
    const handler = await extractHandler(join(dir, "fn.zip"));
    const targets = await events().send(new ListTargetsByRuleCommand({ Rule: "tag-policy" }));
    const event = JSON.parse(targets.Targets![0]!.Input!) as Record<string, unknown>;
    const saved = process.env;
    process.env = { ...saved, ...env(), AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
    let result: unknown;
    let none: unknown;
    // The handler logs to its process's stderr, which Lambda sends to CloudWatch Logs.
    const logged: string[] = [];
    const log = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (logged.push(String(chunk)), true));
    try {
      result = await handler(event);
      none = await handler({ ...event, accounts: [world.denied] }).catch((e: unknown) => e);
    } finally {
      process.env = saved;
      log.mockRestore();
    }
    expect(logged.join("")).toMatch(new RegExp(`${world.denied}/us-east-1: FAILED: STS AssumeRole failed: AccessDenied`));
    const cliRun = await cli(["tags", "scan", "--policy", RULES, "--accounts", accounts(), "--regions", "us-east-1", "-o", "json"]);
    expect(cliRun.code).toBe(4);
    expect(result).toEqual(cliRun.json());
    expect((result as { targets: { status: string }[] }).targets.map((t) => t.status)).toEqual(expect.arrayContaining(["ok", "failed"]));
    expect(none).toBeInstanceOf(Error);
    expect((none as Error).message).toMatch(/^awsblog: no target could be scanned \(1 failed\); first error: STS AssumeRole failed: AccessDenied \([^—]*\) — check the member role/);
  });

  it("an --enforce schedule's handler tags the member accounts; --remove deletes target, rule, permission and function", async () => {
    const run = await cli(["tags", "schedule", "--name", "tag-fix", "--policy", RULES, "--accounts", world.members.join(","), "--regions", "us-east-1", "--enforce", "--no-creator-lookup", "--schedule", "cron(0 6 * * ? *)", "--role", ROLE, "--out", join(dir, "fix.zip"), "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const targets = await events().send(new ListTargetsByRuleCommand({ Rule: "tag-fix" }));
    const event = JSON.parse(targets.Targets![0]!.Input!) as Record<string, unknown>;
    expect(event).toMatchObject({ command: "enforce", untagged: "report", creatorLookup: false });
    const handler = await extractHandler(join(dir, "fix.zip"));
    const saved = process.env;
    process.env = { ...saved, ...env(), AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
    let result: { actions: { result: string }[]; targets: { status: string }[] };
    const log = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      result = (await handler(event)) as typeof result;
    } finally {
      process.env = saved;
      log.mockRestore();
    }
    expect(result.targets.map((t) => t.status)).toEqual(["ok", "ok"]);
    expect(result.actions.length).toBeGreaterThan(0);
    expect(result.actions.every((a) => a.result === "done")).toBe(true);
    for (const account of world.members) {
      for (const t of await tagsIn(world, account, "us-east-1")) expect(t).toMatchObject({ ProjectCode: expect.any(String), CreatedBy: expect.any(String) });
    }

    const removed = await cli(["tags", "schedule", "--name", "tag-fix", "--remove", "-o", "json"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.json()).toEqual({ removed: { function: true, rule: true, permission: true, stateMachine: false } });
    await expect(lambda().send(new GetFunctionCommand({ FunctionName: "tag-fix" }))).rejects.toThrow(/not found/i);
    await expect(events().send(new DescribeRuleCommand({ Name: "tag-fix" }))).rejects.toThrow(/does not exist|not found/i);
    const twice = await cli(["tags", "schedule", "--name", "tag-fix", "--remove", "-o", "json"]);
    expect(twice.json()).toEqual({ removed: { function: false, rule: false, permission: false, stateMachine: false } });
  });

  it("--fan-out: a state machine (valid ASL, Map over accounts with MaxConcurrency) started by the rule; its handlers run in-process; --remove deletes it", async () => {
    const topic = (await new SNSClient(motoClientConfig(moto().url)).send(new CreateTopicCommand({ Name: "fan-reports" }))).TopicArn!;
    const zip = join(dir, "fan.zip");
    const base = ["tags", "schedule", "--name", "tag-fan", "--policy", RULES, "--accounts", accounts(), "--regions", "us-east-1", "--enforce", "--no-creator-lookup", "--notify", topic];
    const deploy = ["--schedule", "rate(1 day)", "--role", ROLE, "--fan-out", "--fan-out-role", FAN_OUT_ROLE, "-o", "json"];
    const run = await cli([...base, ...deploy, "--max-concurrency", "2", "--out", zip]);
    expect(run.code, run.stderr).toBe(0);
    const out = run.json<Scheduled & { stateMachineArn: string }>();
    expect(out.stateMachineArn).toBe(`arn:aws:states:us-east-1:${CALLER}:stateMachine:tag-fan`);
    const sfn = new SFNClient(motoClientConfig(moto().url));
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: out.stateMachineArn }));
    expect(machine.roleArn).toBe(FAN_OUT_ROLE);
    const definition = JSON.parse(machine.definition!) as { States: Record<string, { Type: string; Resource?: string; MaxConcurrency?: number; ItemProcessor?: { States: Record<string, { Resource?: string }> } }> };
    const validation = validateAsl(definition);
    expect(validation.isValid, validation.errorsText("\n")).toBe(true);
    expect(definition.States.EachAccount).toMatchObject({ Type: "Map", MaxConcurrency: 2 });
    for (const resource of [definition.States.ListAccounts!.Resource, definition.States.EachAccount!.ItemProcessor!.States.Account!.Resource, definition.States.Summary!.Resource]) expect(resource).toBe(out.functionArn);
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: out.stateMachineArn }))).tags).toEqual([{ key: "awsblog:created-by", value: "tags-schedule" }]);
    // The rule starts the state machine (with the fan-out role), not the function; no invoke permission for EventBridge is left.
    const [target] = (await events().send(new ListTargetsByRuleCommand({ Rule: "tag-fan" }))).Targets!;
    expect(target).toMatchObject({ Arn: out.stateMachineArn, RoleArn: FAN_OUT_ROLE });
    await expect(lambda().send(new GetPolicyCommand({ FunctionName: "tag-fan" }))).rejects.toThrow();

    // A rerun with another --max-concurrency updates the definition; one with nothing changed does not.
    const more = await cli([...base, ...deploy, "--max-concurrency", "3"]);
    expect(more.code, more.stderr).toBe(0);
    expect(more.calls()["StepFunctions.UpdateStateMachine"]).toBe(1);
    expect((JSON.parse((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: out.stateMachineArn }))).definition!) as typeof definition).States.EachAccount!.MaxConcurrency).toBe(3);
    const same = await cli([...base, ...deploy, "--max-concurrency", "3"]);
    expect(same.calls()["StepFunctions.UpdateStateMachine"] ?? 0).toBe(0);
    expect(same.calls()["StepFunctions.CreateStateMachine"] ?? 0).toBe(0);

    // One execution, as Step Functions would run it: every Lambda task calls the zip's handler.
    const handler = await extractHandler(zip);
    const deployed = JSON.parse((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: out.stateMachineArn }))).definition!) as Parameters<typeof runStateMachine>[0];
    const payloads: { phase: string; accountId?: string }[] = [];
    const saved = process.env;
    process.env = { ...saved, ...env(), AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
    const log = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let execution: Awaited<ReturnType<typeof runStateMachine>>;
    try {
      execution = await runStateMachine(deployed, JSON.parse(target!.Input!), async (arn, payload) => {
        expect(arn).toBe(out.functionArn);
        payloads.push(payload as (typeof payloads)[number]);
        return handler(payload);
      });
    } finally {
      process.env = saved;
      log.mockRestore();
    }
    expect(payloads.map((p) => p.phase)).toEqual(["accounts", "account", "account", "account", "summary"]);
    expect(payloads.filter((p) => p.phase === "account").map((p) => p.accountId).sort()).toEqual(accounts().split(",").sort());
    expect(execution.peakConcurrency).toBeLessThanOrEqual(3);
    const summary = execution.output as { accounts: number; targets: number; failedTargets: { accountId: string; region: string; error: string }[]; actions: { failed: number }; notified: boolean };
    expect(summary).toMatchObject({ accounts: 3, targets: 3, notified: true, actions: expect.objectContaining({ failed: 0 }) });
    expect(summary.failedTargets).toEqual([{ accountId: world.denied, region: "us-east-1", error: expect.stringMatching(/^STS AssumeRole failed: AccessDenied/) }]);
    for (const account of world.members) {
      for (const t of await tagsIn(world, account, "us-east-1")) expect(t).toMatchObject({ ProjectCode: expect.any(String), CreatedBy: expect.any(String) });
    }

    const removed = await cli(["tags", "schedule", "--name", "tag-fan", "--remove", "-o", "json"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.json()).toEqual({ removed: { function: true, rule: true, permission: false, stateMachine: true } });
    await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: out.stateMachineArn }))).rejects.toThrow(/does not exist/i);
  });

  it("--ou/--exclude-accounts go into the event; an OU that does not exist is exit 2 before anything is deployed", async () => {
    const org = new OrganizationsClient(motoClientConfig(moto().url));
    const root = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const ou = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: "sched" }))).OrganizationalUnit!.Id!;
    const args = ["tags", "schedule", "--name", "tag-ou", "--policy", RULES, "--regions", "us-east-1", "--schedule", "rate(1 day)", "--role", ROLE, "-o", "json"];
    const missing = await cli([...args, "--ou", "ou-zzzz-zzzzzzzz"]);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/--ou ou-zzzz-zzzzzzzz: the organization has no such organizational unit or root/);
    expect(missing.calls()["Lambda.CreateFunction"] ?? 0).toBe(0);
    // An empty OU: nothing to count, so a one-line note, and the deploy goes on.
    const run = await cli([...args, "--ou", ou, "--exclude-accounts", world.denied]);
    expect(run.code, run.stderr).toBe(0);
    const [target] = (await events().send(new ListTargetsByRuleCommand({ Rule: "tag-ou" }))).Targets!;
    expect(JSON.parse(target!.Input!)).toMatchObject({ ou: [ou], excludeAccounts: [world.denied], assumeRole: "OrganizationAccountAccessRole" });
    expect(run.stderr).toMatch(/could not count the run's targets to check the 15-minute limit: no ACTIVE account under/);
    expect((await cli(["tags", "schedule", "--name", "tag-ou", "--remove"])).code).toBe(0);
  });

  it("bad schedule flags are usage errors before any AWS call", async () => {
    const base = ["tags", "schedule", "--name", "x", "--policy", RULES, "--role", ROLE];
    const cases: [string[], RegExp][] = [
      [[...base, "--schedule", "every day"], /is not an EventBridge schedule expression/],
      [[...base, "--schedule", "rate(1 days)"], /is not an EventBridge schedule expression/],
      [["tags", "schedule", "--name", "x", "--policy", RULES, "--schedule", "rate(1 day)", "--role", "admin"], /--role "admin" is not an IAM role ARN/],
      [["tags", "schedule", "--name", "x", "--policy", RULES, "--schedule", "rate(1 day)"], /^awsblog: --role is required — pass the function's execution role/],
      [["tags", "schedule", "--name", "bad name", "--remove"], /--name "bad name" is not a valid function and rule name/],
      [[...base, "--schedule", "rate(1 day)", "--notify", "arn:aws:sns:us-east-1:123456789012:t"], /--notify and --untagged apply to --enforce runs/],
      [[...base, "--schedule", "rate(1 day)", "--fan-out", "--fan-out-role", ROLE], /--fan-out runs the function once per account of --org, --ou or --accounts/],
      [[...base, "--schedule", "rate(1 day)", "--org", "--fan-out"], /^awsblog: --fan-out needs --fan-out-role — /],
      [[...base, "--schedule", "rate(1 day)", "--org", "--fan-out", "--fan-out-role", "states"], /--fan-out-role "states" is not an IAM role ARN/],
      [[...base, "--schedule", "rate(1 day)", "--org", "--max-concurrency", "5"], /--max-concurrency and --fan-out-role apply to --fan-out/],
      [[...base, "--schedule", "rate(1 day)", "--org", "--fan-out", "--max-concurrency", "41"], /--max-concurrency must be a whole number from 1 to 40/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(Object.keys(run.calls())).toEqual([]);
    }
  });
});
