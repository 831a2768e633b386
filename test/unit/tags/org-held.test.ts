import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Ec2Api, Ec2Instance } from "../../../src/lib/aws/ec2.js";
import type { Services, TargetSettings } from "../../../src/lib/services.js";
import { scan } from "../../../src/lib/tags/scan.js";
import { testContext } from "../../helpers/context.js";
import { fakeClock } from "./fake-clock.js";
import { callerOnlySts } from "./fake-sts.js";

/**
 * A streamed org scan whose first target is slow: the targets behind it finish, and their
 * findings wait for it — past `heldInMemory` in a temp file, not in memory — then everything
 * goes out in target order, and the file is gone.
 */
const CALLER = "111111111111";
const NOW = new Date("2026-11-25T12:00:00Z");
const REGIONS = ["ap-south-1", "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-2"];

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function world(tmp: string) {
  const clock = fakeClock(1_000);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const onDiskWhenLastStarted: string[] = [];
  const sts = callerOnlySts(CALLER);
  const forTarget = (target: TargetSettings): Services => {
    const ec2: Ec2Api = {
      async *describeInstances() {
        if (target.region === REGIONS[0]) await gate; // the slow one: waits for the last target
        if (target.region === REGIONS.at(-1)) {
          // By now every target between has finished: what waits beyond the memory allowance is on disk.
          const folder = readdirSync(tmp).find((f) => f.startsWith("awsblog-held-"));
          if (folder) onDiskWhenLastStarted.push(...readFileSync(join(tmp, folder, "held.jsonl"), "utf8").split("\n").filter(Boolean));
          open();
        }
        yield [0, 1, 2].map((i): Ec2Instance => ({ instanceId: `i-${target.region}-${i}`, vpcId: "vpc-1", state: "running", tags: { Name: "web" }, launchTime: NOW }));
      },
      createTags: async () => {},
      stopInstances: async () => {},
      terminateInstances: async () => {},
    } as unknown as Ec2Api;
    return { ec2: async () => ec2, sleep: clock.sleep, monotonicNow: clock.now } as unknown as Services;
  };
  return { services: { callerSts: async () => sts, forTarget, sleep: clock.sleep, monotonicNow: clock.now } as Partial<Services>, onDiskWhenLastStarted };
}

describe("org scan: findings that wait for a slow target", () => {
  it("wait in a temp file past the allowance, go out in target order (stdout and --report), and the file is removed", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "org-held-"));
    const reports = mkdtempSync(join(tmpdir(), "org-held-report-"));
    dirs.push(tmp, reports);
    const w = world(tmp);
    const t = testContext({ now: () => NOW, services: w.services, format: "json", streaming: true, debug: true, env: { TMPDIR: tmp } });
    const report = join(reports, "findings.jsonl");
    const result = await scan({ policy: "test/fixtures/tags/rules.yaml", accounts: [CALLER], regions: REGIONS, concurrency: 2, heldInMemory: 4, report }, t.ctx);

    expect(result.exitCode).toBe(3);
    // Targets 2–4 (9 findings) were on disk while the last one ran; target 1's 3 fit in memory.
    expect(w.onDiskWhenLastStarted.map((line) => (JSON.parse(line) as { instanceId: string }).instanceId)).toEqual(
      REGIONS.slice(2, 5).flatMap((r) => [0, 1, 2].map((i) => `i-${r}-${i}`)),
    );
    const expected = REGIONS.flatMap((r) => [0, 1, 2].map((i) => `i-${r}-${i}`));
    const doc = JSON.parse(t.stdout()) as { violations: { instanceId: string; accountId: string; region: string; missing: string[] }[]; scanned: number; compliant: number };
    expect(doc.violations.map((v) => v.instanceId)).toEqual(expected);
    expect(doc.violations[7]).toMatchObject({ accountId: CALLER, region: "eu-west-2", missing: ["ProjectCode", "CreatedBy"] });
    expect([doc.scanned, doc.compliant]).toEqual([18, 0]);
    const rows = readFileSync(report, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { instanceId: string });
    expect(rows.map((r) => r.instanceId)).toEqual(expected);
    expect(t.stderr()).toMatch(/\[debug\] (9|12) item\(s\) of (3|4) target\(s\) waited in a temp file for a slower target ahead of them/);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
