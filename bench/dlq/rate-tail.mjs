#!/usr/bin/env node
// `dlq redrive --rate` and `dlq tail` on moto, wall clock (issue #23's "done when"):
//  1. a `--rate 5 --concurrency 4` redrive of 300 messages must take 60 s ± 5 %; the target's
//     count is sampled every second to show the pace is even (baseline: the same redrive unpaced);
//  2. `dlq tail -o json` must show a message within 2 s of its arrival: messages are sent one
//     at a time at uneven gaps while the tail runs; latency = send → its JSON line on stdout.
// From the repo root after `npm run build`:  node bench/dlq/rate-tail.mjs [messages=300] [rate=5] [tail-messages=30]
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { clearInterval, setInterval } from "node:timers";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { BENCH_ENV, startMoto } from "./moto.mjs";

const MESSAGES = Number(process.argv[2] ?? 300);
const RATE = Number(process.argv[3] ?? 5);
const TAIL_MESSAGES = Number(process.argv[4] ?? 30);
const env = BENCH_ENV;

const endpoint = await startMoto();
const sqs = new SQSClient({ endpoint, region: "us-east-1" });
const count = async (url) => Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes.ApproximateNumberOfMessages);

console.log(`node ${process.version}, moto_server on loopback, load average ${(await loadAverage()).join(" ")}`);

// 1. --rate
const redrives = {};
for (const [name, extra] of [
  [`awsblog dlq redrive --rate ${RATE} --concurrency 4`, ["--rate", String(RATE), "--concurrency", "4"]],
  ["awsblog dlq redrive (unpaced, baseline)", []],
]) {
  await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  const { dlq, work } = await seed(MESSAGES);
  const samples = [];
  const started = performance.now();
  const child = run(["dlq", "redrive", "--queue-url", dlq, "--to", work, "--endpoint-url", endpoint, "-o", "json", ...extra]);
  const sampler = setInterval(async () => samples.push([(performance.now() - started) / 1000, await count(work)]), 1000);
  const { code, stdout, stderr } = await child.exited;
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${name} exited ${code}: ${stderr}`);
  if (JSON.parse(stdout).moved !== MESSAGES || (await count(work)) !== MESSAGES || (await count(dlq)) !== 0) throw new Error(`${name}: not all moved`);
  // Evenness: messages moved in each whole 10-second window of the run.
  const windows = [];
  for (let t = 10; t <= seconds; t += 10) {
    const at = (s) => samples.filter(([x]) => x <= s).at(-1)?.[1] ?? 0;
    windows.push(at(t) - at(t - 10));
  }
  // The pace itself: first to last arrival in the target (SentTimestamp, ms), ideal (n − batch) / rate.
  const sent = await sentTimestamps(work);
  redrives[name] = { seconds, windows, span: (Math.max(...sent) - Math.min(...sent)) / 1000 };
  console.error(`${name}: ${seconds.toFixed(1)} s`);
}
const expected = MESSAGES / RATE;
console.log(`\n### --rate: ${MESSAGES} messages`);
console.log(`| case | process wall s | vs ${expected} s | first → last arrival s | vs ${expected} s | messages per 10 s window |`);
console.log("|---|---|---|---|---|---|");
const off = (s) => `${s >= expected ? "+" : ""}${((s / expected) * 100 - 100).toFixed(1)} %`;
for (const [name, r] of Object.entries(redrives)) {
  console.log(`| ${name} | ${r.seconds.toFixed(1)} | ${off(r.seconds)} | ${r.span.toFixed(1)} | ${off(r.span)} | ${r.windows.join(", ") || "-"} |`);
}

// 2. tail latency
await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
const { dlq } = await seed(0);
const tail = run(["dlq", "tail", "--queue-url", dlq, "--endpoint-url", endpoint, "-o", "json"]);
const arrivals = new Map();
let buffer = "";
tail.child.stdout.on("data", (chunk) => {
  buffer += chunk;
  for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    const k = JSON.parse(line).body.k;
    arrivals.get(k)?.(performance.now());
  }
});
await new Promise((r) => setTimeout(r, 1500)); // the tail's first long poll is waiting
const latencies = [];
for (let k = 0; k < TAIL_MESSAGES; k++) {
  const shown = new Promise((resolve) => arrivals.set(k, resolve));
  const sent = performance.now();
  await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: JSON.stringify({ k }), MessageAttributes: lambdaAttributes(k) }));
  const seen = await Promise.race([shown, new Promise((r) => setTimeout(() => r(undefined), 10_000))]);
  if (seen === undefined) throw new Error(`tail did not show message ${k} within 10 s`);
  latencies.push((seen - sent) / 1000);
  await new Promise((r) => setTimeout(r, 200 + ((k * 373) % 1800))); // uneven gaps: some arrive mid-poll, some right after one
}
tail.child.kill("SIGINT");
const tailEnd = await tail.exited;
const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
console.log(`\n### dlq tail: ${TAIL_MESSAGES} messages sent one at a time (send → JSON line), target ≤ 2 s`);
console.log("| median s | p95 s | max s | over 2 s | exit after Ctrl-C |");
console.log("|---|---|---|---|---|");
console.log(`| ${pct(50).toFixed(3)} | ${pct(95).toFixed(3)} | ${sorted.at(-1).toFixed(3)} | ${latencies.filter((l) => l > 2).length} | ${tailEnd.code} |`);
console.log(`load average after: ${(await loadAverage()).join(" ")}`);
process.exit(0);

async function sentTimestamps(queueUrl) {
  const stamps = [];
  for (let empty = 0; empty < 2; ) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600, MessageSystemAttributeNames: ["SentTimestamp"] }));
    const got = out.Messages ?? [];
    if (got.length === 0) empty += 1;
    for (const m of got) stamps.push(Number(m.Attributes.SentTimestamp));
  }
  return stamps;
}

function run(args) {
  const child = spawn(process.execPath, ["bin/awsblog.js", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const exited = new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, exited };
}

function lambdaAttributes(n) {
  return {
    RequestID: { DataType: "String", StringValue: `0f0e3a1b-aaaa-4bbb-8ccc-${String(n).padStart(12, "0")}` },
    ErrorCode: { DataType: "String", StringValue: "200" },
    ErrorMessage: { DataType: "String", StringValue: "x Task timed out after 30.00 seconds" },
  };
}

async function seed(messages) {
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: "bench-dlq" }))).QueueUrl;
  const work = (await sqs.send(new CreateQueueCommand({ QueueName: "bench-work" }))).QueueUrl;
  for (let i = 0; i < messages; i += 10) {
    const entries = [];
    for (let j = i; j < Math.min(messages, i + 10); j++) entries.push({ Id: `e${j - i}`, MessageBody: JSON.stringify({ n: j }), MessageAttributes: lambdaAttributes(j) });
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: dlq, Entries: entries }));
  }
  return { dlq, work };
}

async function loadAverage() {
  const { loadavg } = await import("node:os");
  return loadavg().map((l) => l.toFixed(1));
}
