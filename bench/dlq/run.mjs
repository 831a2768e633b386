#!/usr/bin/env node
// DLQ benchmark: `awsblog dlq inspect` and `awsblog dlq redrive` on 1,000 Lambda-style
// messages in moto, against a one-message-at-a-time loop (naive.mjs) run the same way: a
// fresh process per run, the same endpoint, SQS calls counted per operation.
// From the repo root after `npm run build`:  node bench/dlq/run.mjs [messages=1000] [runs=3] [latency-ms=0]
// latency-ms > 0 puts a proxy in front of moto that holds each request that long, like the
// round trip to a real AWS region; both tools go through it.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { BENCH_ENV, startMoto } from "./moto.mjs";

const MESSAGES = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 3);
const LATENCY_MS = Number(process.argv[4] ?? 0);
const OUT = "bench/dlq/out";
// moto's ReceiveMessage does work proportional to the queue for every message it returns, so a
// 1,000-message read on a busy machine takes minutes: hide messages long enough that none
// comes back mid-read (the CLI's own default, 15 s + 1 s per 10 messages, suits real SQS).
const HIDE_SECONDS = 900;
mkdirSync(OUT, { recursive: true });
const env = BENCH_ENV;

const endpoint = await startMoto();
const sqs = new SQSClient({ endpoint, region: "us-east-1" });
// The tools under test talk to `via`; seeding and checks go straight to moto.
const via = LATENCY_MS > 0 ? await startLatencyProxy(endpoint, LATENCY_MS) : endpoint;

const cases = {
  "inspect: awsblog dlq inspect --max N": (dlq) => [process.execPath, ["bin/awsblog.js", "dlq", "inspect", "--queue-url", dlq, "--max", String(MESSAGES), "--visibility-timeout", String(HIDE_SECONDS), "--endpoint-url", via, "-o", "json"]],
  "inspect: one at a time": (dlq) => [process.execPath, ["bench/dlq/naive.mjs", "inspect", via, dlq, String(MESSAGES), String(HIDE_SECONDS)]],
  "redrive: awsblog dlq redrive --to": (dlq, work) => [process.execPath, ["bin/awsblog.js", "dlq", "redrive", "--queue-url", dlq, "--to", work, "--endpoint-url", via, "-o", "json"]],
  "redrive: one at a time": (dlq, work) => [process.execPath, ["bench/dlq/naive.mjs", "redrive", via, dlq, work]],
};

const results = {};
for (let run = 0; run < RUNS; run++) {
  for (const [name, command] of Object.entries(cases)) {
    await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
    const { dlq, work } = await seed();
    const stats = `${OUT}/stats-${run}.json`;
    const [bin, args] = command(dlq, work);
    const started = process.hrtime.bigint();
    const child = await runProcess(bin, args, { ...env, AWSBLOG_STATS_FILE: stats });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.status !== 0) throw new Error(`${name} exited ${child.status}: ${child.stderr}`);
    await check(name, child.stdout, dlq, work);
    const calls = JSON.parse(readFileSync(stats, "utf8"));
    const sqsCalls = Object.entries(calls).filter(([k]) => k.startsWith("SQS.")).reduce((n, [, v]) => n + v, 0);
    (results[name] ??= []).push({ seconds, sqsCalls, calls });
    console.error(`run ${run + 1}/${RUNS} ${name}: ${seconds.toFixed(2)} s, ${sqsCalls} SQS calls`);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`messages: ${MESSAGES}, runs: ${RUNS} (median), moto_server on loopback${LATENCY_MS ? ` behind a ${LATENCY_MS} ms-per-request proxy` : ""}, node ${process.version}`);
console.log("| case | seconds | messages/s | SQS calls | calls by operation |");
console.log("|---|---|---|---|---|");
for (const [name, rs] of Object.entries(results)) {
  const s = median(rs.map((r) => r.seconds));
  const last = rs[rs.length - 1];
  const ops = Object.entries(last.calls).map(([k, v]) => `${k.replace("SQS.", "")} ${v}`).join(", ");
  console.log(`| ${name} | ${s.toFixed(2)} | ${(MESSAGES / s).toFixed(0)} | ${last.sqsCalls} | ${ops} |`);
}
for (const kind of ["inspect", "redrive"]) {
  const [ours, naive] = Object.entries(results).filter(([n]) => n.startsWith(kind)).map(([, rs]) => median(rs.map((r) => r.seconds)));
  console.log(`${kind}: awsblog is ${(naive / ours).toFixed(1)}× the one-at-a-time loop's throughput`);
}
process.exit(0);

async function seed() {
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: "bench-dlq" }))).QueueUrl;
  const work = (await sqs.send(new CreateQueueCommand({ QueueName: "bench-work" }))).QueueUrl;
  const errors = ["x Task timed out after 30.00 seconds", "Process exited before completing request", "Cannot find module '/var/task/index'", "Error: bad input"];
  const batches = [];
  for (let i = 0; i < MESSAGES; i += 10) {
    const entries = [];
    for (let j = i; j < Math.min(MESSAGES, i + 10); j++) {
      entries.push({
        Id: `e${j - i}`,
        MessageBody: JSON.stringify({ n: j, key: `uploads/img-${j}.jpg` }),
        MessageAttributes: {
          RequestID: { DataType: "String", StringValue: `0f0e3a1b-aaaa-4bbb-8ccc-${String(j).padStart(12, "0")}` },
          ErrorCode: { DataType: "String", StringValue: "200" },
          ErrorMessage: { DataType: "String", StringValue: errors[j % errors.length] },
        },
      });
    }
    batches.push(sqs.send(new SendMessageBatchCommand({ QueueUrl: dlq, Entries: entries })));
  }
  await Promise.all(batches);
  return { dlq, work };
}

async function check(name, stdout, dlq, work) {
  const count = async (url) => Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes.ApproximateNumberOfMessages);
  if (name.startsWith("inspect")) {
    const seen = name.includes("awsblog") ? JSON.parse(stdout).messages.length : JSON.parse(stdout).count;
    if (seen !== MESSAGES || (await count(dlq)) !== MESSAGES) throw new Error(`${name}: saw ${seen}, ${await count(dlq)} visible afterwards`);
  } else {
    const moved = await count(work);
    if (moved !== MESSAGES || (await count(dlq)) !== 0) throw new Error(`${name}: ${moved} in target, ${await count(dlq)} left`);
  }
}

/** Async on purpose: the latency proxy lives in this process and must keep serving. */
function runProcess(bin, args, childEnv) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function startLatencyProxy(target, delayMs) {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () =>
      setTimeout(() => {
        const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        });
        out.on("error", (e) => {
          res.writeHead(502);
          res.end(String(e));
        });
        out.end(Buffer.concat(chunks));
      }, delayMs),
    );
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}`)));
}
