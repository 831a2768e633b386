import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Ec2Api, Ec2Instance } from "../../../src/lib/aws/ec2.js";
import type { SnsApi } from "../../../src/lib/aws/sns.js";
import { AwsError } from "../../../src/lib/errors.js";
import type { Services, TargetSettings } from "../../../src/lib/services.js";
import { enforce, type OrgEnforceOutput } from "../../../src/lib/tags/enforce.js";
import { testContext } from "../../helpers/context.js";
import { fakeClock } from "./fake-clock.js";
import { callerOnlySts } from "./fake-sts.js";

/**
 * An org `tags enforce -o json` on a host that takes output as it is written (the CLI) is one
 * document written as targets finish; the same run on a host that cannot stream gets the whole
 * result. Both must say the same thing.
 */
const CALLER = "111111111111";
const TOPIC = `arn:aws:sns:us-east-1:${CALLER}:tag-reports`;
const NOW = new Date("2026-12-06T09:00:00Z");
const REGIONS = ["eu-west-1", "us-east-1", "us-west-2"];
const RULES = [
  { RuleId: 1, TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "P7" },
  { RuleId: 2, TagKey: "CostCenter", Action: "Notify", Required: "Y" },
];

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function world(publishFails: boolean | undefined, tmp: string, onList?: (region: string) => void) {
  const clock = fakeClock(1_000);
  const published: string[] = [];
  const created: string[] = [];
  const heldAtPublish: string[] = [];
  const sts = callerOnlySts(CALLER);
  // Per region: one instance missing both keys (a tag action and a notify action), one untagged.
  const forTarget = (target: TargetSettings): Services => {
    const instances: Ec2Instance[] = [
      { instanceId: `i-${target.region}-a`, vpcId: "vpc-1", state: "running", tags: { Name: "web" } },
      { instanceId: `i-${target.region}-bare`, vpcId: "vpc-1", state: "running", tags: {} },
    ];
    const ec2 = {
      async *describeInstances() {
        onList?.(target.region);
        yield instances;
      },
      createTags: async (ids: string[], key: string, value: string) => void created.push(`${target.region} ${ids.join(",")} ${key}=${value}`),
      stopInstances: async () => {},
      terminateInstances: async () => {},
    } as unknown as Ec2Api;
    return { ec2: async () => ec2, sleep: clock.sleep, monotonicNow: clock.now } as unknown as Services;
  };
  const sns: SnsApi = {
    publish: async (_topic, _subject, message) => {
      heldAtPublish.push(...readdirSync(tmp));
      if (publishFails) throw new AwsError("SNS", "Publish", "AuthorizationError", "not authorized to perform: SNS:Publish");
      published.push(message);
      return "m-1";
    },
  };
  const services = { callerSts: async () => sts, forTarget, sns: async () => sns, sleep: clock.sleep, monotonicNow: clock.now } as Partial<Services>;
  return { services, published, created, heldAtPublish };
}

async function run(streaming: boolean, options: { publishFails?: boolean; heldInMemory?: number; interruptAt?: string } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), "org-enforce-"));
  dirs.push(tmp);
  const controller = new AbortController();
  const w = world(options.publishFails, tmp, (region) => region === options.interruptAt && controller.abort());
  const t = testContext({ now: () => NOW, services: w.services, format: "json", streaming, env: { TMPDIR: tmp }, signal: controller.signal });
  const result = await enforce({ inlineRules: RULES, accounts: [CALLER], regions: REGIONS, concurrency: 2, notify: TOPIC, creatorLookup: false, heldInMemory: options.heldInMemory }, t.ctx);
  return { ...w, result, stdout: t.stdout(), stderr: t.stderr(), tmp };
}

const ids = (list: { instanceId: string; action?: string; result?: string }[]) => list.map((x) => [x.instanceId, x.action, x.result].filter(Boolean).join(" "));

describe("org enforce -o json, streamed", () => {
  it("writes actions in target order, the notify actions after the SNS summary is out (done), then untagged, targets and counts", async () => {
    const streamed = await run(true, { heldInMemory: 1 });
    const doc = JSON.parse(streamed.stdout) as OrgEnforceOutput;
    expect(Object.keys(doc)).toEqual(["actions", "untagged", "targets", "scanned", "deferred", "notified"]);
    expect(ids(doc.actions)).toEqual([
      ...REGIONS.map((r) => `i-${r}-a tag done`),
      ...REGIONS.flatMap((r) => [`i-${r}-a notify done`, `i-${r}-bare notify done`]), // a Notify rule acts on untagged ones too
    ]);
    expect(doc.actions[0]).toMatchObject({ accountId: CALLER, region: "eu-west-1", tagKey: "ProjectCode", value: "P7", reason: "missing" });
    expect(ids(doc.untagged)).toEqual(REGIONS.map((r) => `i-${r}-bare`));
    expect(doc.targets.map((t) => [t.region, t.status, t.scanned])).toEqual(REGIONS.map((r) => [r, "ok", 2]));
    expect([doc.scanned, doc.deferred, doc.notified]).toEqual([6, 0, true]);
    expect(streamed.result.exitCode).toBe(0);
    // One summary for the run, listing every region's resources.
    expect(streamed.published).toHaveLength(1);
    for (const r of REGIONS) expect(streamed.published[0]).toContain(`-- Instance i-${r}-a (missing a required tag): notify — done`);
    expect(streamed.published[0]).toMatch(/\nscanned 6 instance\(s\), 9 action\(s\): 9 done, 0 failed$/);
    // Waiting notify actions and untagged resources were in temp files (past 1 in memory) while
    // the summary went out; now they are gone.
    expect(streamed.heldAtPublish).toEqual([expect.stringMatching(/^awsblog-held-/), expect.stringMatching(/^awsblog-held-/)]);
    expect(readdirSync(streamed.tmp)).toEqual([]);

    // The same run on a host that cannot stream: the same actions, untagged resources, counts and summary.
    const whole = await run(false);
    expect(whole.stdout).toBe(""); // the command returns the result; the host prints it
    expect(whole.heldAtPublish).toEqual([]); // nothing waited beyond the default allowance
    const data = whole.result.data as OrgEnforceOutput;
    expect(ids(data.actions).sort()).toEqual(ids(doc.actions).sort());
    expect(data.untagged).toEqual(doc.untagged);
    expect([data.scanned, data.deferred, data.notified]).toEqual([6, 0, true]);
    expect(whole.published).toEqual(streamed.published);
    expect(whole.created.sort()).toEqual(streamed.created.sort());
  });

  it("a summary that could not be published: notify actions failed with the reason, notifyError, exit 4", async () => {
    const streamed = await run(true, { publishFails: true });
    const doc = JSON.parse(streamed.stdout) as OrgEnforceOutput;
    expect(ids(doc.actions).slice(3)).toEqual(REGIONS.flatMap((r) => [`i-${r}-a notify failed`, `i-${r}-bare notify failed`]));
    expect(doc.actions[3]!.error).toMatch(/^not notified: .*AuthorizationError/);
    expect(doc.notified).toBe(false);
    expect(doc.notifyError).toMatch(/AuthorizationError/);
    expect(Object.keys(doc).slice(-1)).toEqual(["notifyError"]);
    expect(streamed.result.exitCode).toBe(4);
    expect(streamed.stderr).toMatch(/the SNS summary was not published: /);
  });

  it("Ctrl-C: the targets in flight finish, no new one starts, no summary is sent, and the document ends with \"interrupted\": true", async () => {
    const streamed = await run(true, { interruptAt: "eu-west-1" });
    const doc = JSON.parse(streamed.stdout) as OrgEnforceOutput & { interrupted?: boolean };
    expect(doc.targets.map((t) => t.region)).toEqual(["eu-west-1", "us-east-1"]);
    // The targets in flight saw Ctrl-C before their changes: planned, not made; no summary is sent.
    expect(ids(doc.actions)).toEqual(["i-eu-west-1-a tag planned", "i-us-east-1-a tag planned", "i-eu-west-1-a notify planned", "i-eu-west-1-bare notify planned", "i-us-east-1-a notify planned", "i-us-east-1-bare notify planned"]);
    expect(streamed.created).toEqual([]);
    expect(streamed.published).toEqual([]);
    expect(doc.notified).toBe(false);
    expect(doc.interrupted).toBe(true);
    expect(Object.keys(doc).at(-1)).toBe("interrupted");
  });
});
