#!/usr/bin/env node
// Approval waiting benchmark: AWS calls made by `approval start --wait` and `approval tail
// --follow` while an execution waits on a person, on a simulated clock (the CLI's sleep
// advances it, so an hour costs milliseconds), against a fixed 5 s poll (the baseline: what a
// waiter loop around DescribeExecution does) and a tail that re-reads the whole history.
// From the repo root after `npm run build`:  node bench/approval/run.mjs [runs=20]
import { PassThrough, Readable } from "node:stream";
import { main } from "../../dist/cli.js";

const RUNS = Number(process.argv[2] ?? 20);
const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:Promotion";
const EXEC = "arn:aws:states:us-east-1:123456789012:execution:Promotion:jim";
const env = { AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench", AWS_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };

/** Runs the CLI in this process with the given executions API on a simulated clock. */
async function run(args, executions, clock) {
  const sink = () => Object.assign(new PassThrough().resume(), { isTTY: false });
  const io = {
    stdout: sink(),
    stderr: sink(),
    stdin: Readable.from([""]),
    env,
    onInterrupt: () => () => {},
    exitNow: () => {},
    services: {
      executions: async () => executions,
      monotonicNow: () => clock.now,
      sleep: async (ms) => void (clock.now += ms),
    },
  };
  return main(args, io);
}

/** An execution that runs `waitMs` of simulated time, then succeeds; AWS's 1 request/s bucket is checked on every call. */
function waitingExecution(clock, waitMs) {
  const stats = { describe: 0, throttled: 0, history: 0, eventsRead: 0 };
  let lastCall = -Infinity;
  const rate = () => {
    if (clock.now - lastCall < 1000) stats.throttled++;
    lastCall = clock.now;
  };
  // One event a minute while it waits (heartbeats, a Map's iterations…), then the end.
  const events = () => {
    const n = 3 + Math.floor(Math.min(clock.now, waitMs) / 60_000);
    const list = Array.from({ length: n }, (_, i) => ({ id: i + 1, previousEventId: i, timestamp: new Date(i * 60_000), type: i === 0 ? "ExecutionStarted" : "TaskStateEntered", details: { name: "ManualApproval" } }));
    if (clock.now >= waitMs) list.push({ id: n + 1, previousEventId: n, timestamp: new Date(waitMs), type: "ExecutionSucceeded", details: { output: "{}" } });
    return list;
  };
  const api = {
    startExecution: async () => ({ executionArn: EXEC, startDate: new Date(0) }),
    describeExecution: async () => {
      stats.describe++;
      rate();
      return clock.now >= waitMs ? { status: "SUCCEEDED", output: "{}" } : { status: "RUNNING" };
    },
    getExecutionHistory: async (_arn, { nextToken, maxResults, reverse }) => {
      stats.history++;
      rate();
      const all = events();
      const ordered = reverse ? [...all].reverse() : all;
      const start = Number(nextToken ?? 0);
      const page = ordered.slice(start, start + maxResults);
      stats.eventsRead += page.length;
      return { events: page, nextToken: start + maxResults < ordered.length ? String(start + maxResults) : undefined };
    },
  };
  return { api, stats };
}

const rows = [];
for (const minutes of [1, 10, 60, 24 * 60]) {
  const waitMs = minutes * 60_000;
  const sums = { describe: 0, throttled: 0, history: 0, eventsRead: 0 };
  for (let i = 0; i < RUNS; i++) {
    for (const [args, kind] of [
      [["approval", "start", "--state-machine-arn", SM, "--wait"], "wait"],
      [["approval", "tail", EXEC, "--follow"], "tail"],
    ]) {
      const clock = { now: 0 };
      const { api, stats } = waitingExecution(clock, waitMs);
      const code = await run(args, api, clock);
      if (code !== 0) throw new Error(`${kind} exited ${code}`);
      for (const k of Object.keys(sums)) sums[k] += stats[k] / RUNS;
    }
  }
  const baselineCalls = Math.ceil(waitMs / 5000);
  // The baseline tail re-reads the whole history every 5 s.
  let baselineEvents = 0;
  for (let t = 0; t <= waitMs; t += 5000) baselineEvents += 3 + Math.floor(t / 60_000);
  rows.push({
    waited: minutes < 60 ? `${minutes} min` : `${minutes / 60} h`,
    "wait: DescribeExecution": sums.describe.toFixed(1),
    "baseline (5 s)": baselineCalls,
    "ratio": (sums.describe / baselineCalls).toFixed(3),
    "per min": (sums.describe / minutes).toFixed(2),
    "tail: calls": sums.history.toFixed(1),
    "tail: events read": Math.round(sums.eventsRead),
    "baseline events read": baselineEvents,
    "throttled at 1 req/s": sums.throttled,
  });
}
console.table(rows);
