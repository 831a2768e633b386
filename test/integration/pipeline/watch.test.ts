import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startCodePipelineDouble, type CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { interrupts } from "../../helpers/in-process.js";
import { approvalPipeline, cli } from "./world.js";

let double: CodePipelineDouble;
let run: ReturnType<typeof cli>;
beforeAll(async () => {
  // Every GetPipelineExecution moves the run one action on: the run advances as we poll.
  double = await startCodePipelineDouble({ advanceOnPoll: true });
  run = cli(double);
});
afterAll(() => double.stop());
beforeEach(() => double.received.splice(0));

let n = 0;
const fresh = () => `watch-${++n}`;
const plain = (name: string, fails = false) => ({
  name,
  stages: [
    { name: "Source", actions: [{ name: "Source", category: "Source", provider: "CodeCommit" }] },
    { name: "Build", actions: [{ name: "Build" }] },
    { name: "Beta", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation", fails }] },
  ],
});

describe("pipeline start / watch", () => {
  it("start without --wait prints the execution and exits 0 at once", async () => {
    const name = fresh();
    double.addPipeline(plain(name));
    const result = await run(["pipeline", "start", name, "-o", "json"]);
    expect(result.code).toBe(0);
    const doc = result.json<{ executionId: string }>();
    expect(doc).toEqual({ pipeline: name, executionId: expect.any(String), status: "InProgress" });
    const sent = double.calls("StartPipelineExecution");
    expect(sent).toEqual([{ name, clientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    expect(double.calls("GetPipelineExecution")).toHaveLength(0);
  });

  it("start --wait follows the run to Succeeded with paced, jittered polls; one JSON document", async () => {
    const name = fresh();
    double.addPipeline(plain(name));
    const waits: number[] = [];
    const random = [0, 1, 0.25];
    const result = await run(["pipeline", "start", name, "--wait", "-o", "json"], {
      services: { sleep: async (ms) => void waits.push(ms), random: () => random[waits.length % 3]! },
    });
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ pipeline: name, status: "Succeeded" });
    expect(result.stdout.trim().split("\n").length).toBeGreaterThan(1); // pretty-printed, one document
    expect(() => JSON.parse(result.stdout)).not.toThrow();
    // 3 actions → 3 status calls, each moving the run one action on (the third sees Succeeded),
    // with a stage-progress call between them: one call per interval, the first after a wait.
    expect(double.calls("GetPipelineExecution")).toHaveLength(3);
    expect(double.calls("ListActionExecutions")).toHaveLength(2);
    expect(waits).toEqual([5000, 6000, 5250, 5000, 6000]);
    // CI logs get one line per stage change (no TTY here).
    expect(result.stderr).toContain(`${name}: Build InProgress`);
  });

  it("a failing run exits 1 with the status in the document and one error line", async () => {
    const name = fresh();
    double.addPipeline(plain(name, true));
    const result = await run(["pipeline", "start", name, "--wait", "-o", "json", "-q"]);
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({ status: "Failed", failedActions: [{ stage: "Beta", action: "Deploy", summary: "the action failed" }] });
    expect(result.stderr).toMatch(/^awsblog: watch-\d+ [0-9a-f-]+ ended Failed at Beta\/Deploy: the action failed — retry the stage with `awsblog pipeline retry watch-\d+ --stage Beta`\n$/);
  });

  it("watch (latest run) says once that it waits for approval, then gives up at --timeout with exit 1", async () => {
    const name = fresh();
    double.addPipeline(approvalPipeline(name));
    const id = double.start(name);
    const before = double.clock.now();
    const result = await run(["pipeline", "watch", name, "--timeout", "60", "-o", "json"]);
    expect(result.code).toBe(1);
    expect(result.json()).toEqual({ pipeline: name, executionId: id, status: "InProgress", consoleUrl: expect.stringContaining(`/pipelines/${name}/executions/${id}/`) });
    const notices = result.stderr.split("\n").filter((l) => l.includes("waiting for approval"));
    expect(notices).toEqual([`${name} is waiting for approval at QA/QASignOff — approve with: awsblog approve --pipeline ${name} --stage QA --action QASignOff`]);
    expect(result.stderr).toMatch(/awsblog: gave up after 60 s waiting for .* \(still InProgress\) — it goes on: rerun `awsblog pipeline watch/);
    // Waiting never overshoots the timeout (the double's clock moved by our sleeps plus its own steps).
    expect(double.clock.now() - before).toBeLessThanOrEqual(62_000);
    // One call per ~5 s, status and progress alternating: about 12 in the minute.
    expect(double.calls("GetPipelineExecution").length + double.calls("ListActionExecutions").length).toBeGreaterThanOrEqual(11);
    expect(double.calls("GetPipelineExecution").length + double.calls("ListActionExecutions").length).toBeLessThanOrEqual(13);
  });

  it("throttling: backs off (longer waits) and still reaches the outcome", async () => {
    const name = fresh();
    double.addPipeline(plain(name));
    const id = double.start(name);
    const waits: number[] = [];
    double.throttleNext(3);
    const before = double.throttled;
    const result = await run(["pipeline", "watch", name, "--execution-id", id, "-o", "json"], {
      services: { sleep: async (ms) => void (waits.push(ms), double.clock.advance(ms)) },
    });
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ status: "Succeeded" });
    expect(double.throttled - before).toBe(3);
    // The first call (ListPipelineExecutions is skipped with --execution-id) was throttled
    // twice inside the call's retries, then the poll round gave up and doubled its pace.
    expect(waits.slice(0, 2).every((w) => w >= 200 && w <= 2000)).toBe(true);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(8000);
  });

  it("a rate limit on the service is respected when sleeps move the clock", async () => {
    const limited = await startCodePipelineDouble({ advanceOnPoll: true, ratePerSecond: 1 });
    try {
      const name = fresh();
      limited.addPipeline(plain(name));
      const result = await cli(limited)(["pipeline", "start", name, "--wait", "-o", "json"]);
      expect(result.code).toBe(0);
      expect(result.json()).toMatchObject({ status: "Succeeded" });
      // One call per interval, the first one an interval after the start: never two in a second.
      expect(limited.throttled).toBe(0);
    } finally {
      await limited.stop();
    }
  });

  it("stages that take time on the double's clock: polls are paced by --interval, the run ends Succeeded", async () => {
    const timed = await startCodePipelineDouble({ actionMs: 60_000 });
    try {
      const name = fresh();
      timed.addPipeline(plain(name)); // 3 actions × 60 s
      const id = timed.start(name);
      const result = await cli(timed)(["pipeline", "watch", name, "--execution-id", id, "--interval", "10", "-o", "json"]);
      expect(result.code).toBe(0);
      expect(result.json()).toEqual({ pipeline: name, executionId: id, status: "Succeeded", consoleUrl: expect.any(String) });
      // 180 s of pipeline at one call per 11 s (--interval 10 plus 10 % jitter: random() is 0.5),
      // status at 0, 22, … 198 s (the tenth sees Succeeded) and progress at 11, 33, … 187 s.
      expect(timed.calls("GetPipelineExecution")).toHaveLength(10);
      expect(timed.calls("ListActionExecutions")).toHaveLength(9);
      expect(result.stderr.split("\n").filter((l) => l.startsWith(`${name}: `))).toEqual([
        `${name}: Source InProgress`,
        `${name}: Source Succeeded`,
        `${name}: Build InProgress`,
        `${name}: Build Succeeded`,
        `${name}: Beta InProgress`,
        `${name}: Beta Succeeded`, // the progress call at 187 s, before the status call sees the end
      ]);
    } finally {
      await timed.stop();
    }
  });

  it("Ctrl-C stops watching with exit 130; the run goes on", async () => {
    const name = fresh();
    double.addPipeline(approvalPipeline(name));
    const id = double.start(name);
    const keys = interrupts();
    let sleeps = 0;
    const result = await run(["pipeline", "watch", name, "-o", "json"], {
      interrupts: keys,
      services: {
        sleep: async () => {
          if (++sleeps === 3) keys.interrupt();
        },
      },
    });
    expect(result.code).toBe(130);
    expect(result.json()).toMatchObject({ executionId: id, status: "InProgress" });
    expect(double.execution(id).status).toBe("InProgress");
    expect(result.stderr).toContain("stopped watching");
  });

  it("bad input is exit 2 before any call; a missing pipeline is exit 1 with a hint", async () => {
    for (const args of [
      ["pipeline", "watch", "p", "--execution-id", "nope"],
      ["pipeline", "watch", "p", "--timeout", "0"],
      ["pipeline", "start", "p", "--timeout", "5"],
      ["pipeline", "status", "bad/name"],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^awsblog: .+ — .+\n$/);
    }
    expect(double.received).toHaveLength(0);
    const missing = await run(["pipeline", "watch", "no-such-pipe"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^awsblog: CodePipeline ListPipelineExecutions failed: PipelineNotFoundException \(no pipeline named no-such-pipe in this account and region\) — check the name/);
  });
});
