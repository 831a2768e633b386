#!/usr/bin/env node
// Tag-policy benchmark: `awsblog tags scan` + `tags enforce` against the post's algorithm, on
// moto (EC2, SNS) and the LookupEvents double (pages of 50, throttles above 2 requests/s).
// Reports wall time and AWS calls per API (AWSBLOG_STATS_FILE for awsblog, the same
// middleware count for the baseline). Run from the repo root after `npm run build`:
//   node bench/tags/run.mjs [N=5000] [baselineN=N]
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildWorld, log, MIX, startMoto } from "./world.mjs";

// Before any SDK client is built: the support-window notice is noise in benchmark output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const N = Number(process.argv[2] ?? 5000);
const BASE_N = Number(process.argv[3] ?? N);
const OUT = "bench/tags/out";
mkdirSync(OUT, { recursive: true });

// The double is TypeScript (it serves the tests too): compile it next to the results.
const tsc = spawnSync("npx", ["tsc", "doubles/cloudtrail.ts", "--outDir", OUT, "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2023", "--types", "node", "--skipLibCheck"], { stdio: "inherit" });
if (tsc.status !== 0) throw new Error("could not compile the CloudTrail double");
const { startCloudTrailDouble } = await import(join(process.cwd(), OUT, "cloudtrail.js"));

const moto = await startMoto();
const results = { n: N, baselineN: BASE_N, node: process.version, awsblog: {}, baseline: {} };
try {
  log(`building ${N} instances in moto…`);
  let t = Date.now();
  const world = await buildWorld(moto.url, N);
  log(`  ${((Date.now() - t) / 1000).toFixed(1)} s`);
  let trail = await startCloudTrailDouble({ events: world.events });
  const env = { AWS_ENDPOINT_URL: moto.url, AWS_ENDPOINT_URL_CLOUDTRAIL: trail.url };
  const rules = "test/fixtures/tags/rules.yaml";
  const scan = await cli(["tags", "scan", "--policy", rules, "--vpc", world.vpc, "-o", "json"], env, "scan");
  const enforce = await cli(["tags", "enforce", "--policy", rules, "--vpc", world.vpc, "--untagged", "stop", "--notify", world.topic, "-o", "json"], env, "enforce");
  const after = await cli(["tags", "scan", "--policy", rules, "--vpc", world.vpc, "-o", "json"], env, "rescan");
  const actions = enforce.json.actions;
  const pairs = new Set(actions.filter((a) => a.action === "tag").map((a) => `${a.tagKey}=${a.value}`));
  results.awsblog = {
    scan: { seconds: scan.seconds, calls: scan.calls, violations: scan.json.violations.length },
    enforce: { seconds: enforce.seconds, calls: enforce.calls, exitCode: enforce.code, actions: actions.length, failed: actions.filter((a) => a.result === "failed").length, creatorLookup: enforce.json.creatorLookup },
    distinctPairs: pairs.size,
    undefinedCreators: actions.filter((a) => a.tagKey === "CreatedBy" && a.value === "Undefined").length,
    cloudTrailEvents: world.events.length,
    throttled: trail.throttled,
    violationsLeft: after.json.violations.filter((v) => !v.untagged).length,
  };
  await trail.stop();

  log(`baseline (the post's algorithm) on ${BASE_N} instances…`);
  await fetch(`${moto.url}/moto-api/reset`, { method: "POST" });
  const baseWorld = await buildWorld(moto.url, BASE_N);
  trail = await startCloudTrailDouble({ events: baseWorld.events });
  const statsFile = join(OUT, "baseline-stats.json");
  t = Date.now();
  await run(process.execPath, ["bench/tags/post-baseline.mjs", moto.url, trail.url, baseWorld.vpc, baseWorld.topic, statsFile], {});
  const base = JSON.parse(readFileSync(statsFile, "utf8"));
  results.baseline = { seconds: (Date.now() - t) / 1000, calls: base.calls, undefinedCreators: base.undefinedCreators, lookupErrors: base.lookupErrors, throttled: trail.throttled, cloudTrailEvents: baseWorld.events.length };
  await trail.stop();
} finally {
  await moto.stop();
}
writeFileSync(join(OUT, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
printTable(results);

async function cli(args, env, label) {
  const stats = join(OUT, `${label}-stats.json`);
  const started = Date.now();
  const { code, stdout } = await run(process.execPath, ["bin/awsblog.js", ...args], { ...env, AWSBLOG_STATS_FILE: stats });
  const seconds = (Date.now() - started) / 1000;
  log(`  awsblog ${label}: ${seconds.toFixed(1)} s, exit ${code}`);
  return { code, seconds, json: JSON.parse(stdout), calls: JSON.parse(readFileSync(stats, "utf8")) };
}

// Async on purpose: the CloudTrail double runs in this process and must keep answering.
function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_EC2_METADATA_DISABLED: "true", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
}


function printTable(r) {
  const a = r.awsblog;
  const b = r.baseline;
  const calls = (c, k) => c[k] ?? 0;
  const ours = { ...a.enforce.calls };
  console.log(`N = ${r.n} instances (${MIX.map((m) => `${Math.round(m.share * 100)}% ${m.name}`).join(", ")}); baseline N = ${r.baselineN}; ${r.node}`);
  console.log("| | awsblog scan | awsblog enforce | post's algorithm |");
  console.log("|---|---|---|---|");
  console.log(`| wall time (s) | ${a.scan.seconds.toFixed(1)} | ${a.enforce.seconds.toFixed(1)} | ${b.seconds.toFixed(1)} |`);
  for (const key of ["EC2.DescribeInstances", "CloudTrail.LookupEvents", "EC2.CreateTags", "EC2.StopInstances", "SNS.Publish"]) {
    console.log(`| ${key} | ${calls(a.scan.calls, key)} | ${calls(ours, key)} | ${calls(b.calls, key)} |`);
  }
  console.log(`| creators left "Undefined" | – | ${a.undefinedCreators} | ${b.undefinedCreators} (${b.lookupErrors} lookups failed: throttled) |`);
  console.log(`| ThrottlingException from the double | – | ${a.throttled} | ${b.throttled} |`);
  console.log(`\nawsblog: CloudTrail events ${a.cloudTrailEvents} → ${a.cloudTrailEvents / 50} pages of 50; LookupEvents calls ${calls(ours, "CloudTrail.LookupEvents")}. Distinct (key, value) pairs ${a.distinctPairs} → CreateTags calls ${calls(ours, "EC2.CreateTags")}. Tag violations left after enforce: ${a.violationsLeft}.`);
}
