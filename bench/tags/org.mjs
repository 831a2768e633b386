#!/usr/bin/env node
// Org-scale tag benchmark (contract §9): one `awsblog tags scan|enforce --accounts … --regions …`
// against running the single-account command once per target (account × region) in sequence,
// on moto (Organizations accounts, AssumeRole into each, EC2 kept apart per account).
// Reports wall time, peak RSS (GNU time) and AWS calls per API. After `npm run build`:
//   node bench/tags/org.mjs [accounts=20] [regions=2] [instancesPerTarget=250]
// SCAN_ONLY=1 skips the two enforce phases.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { log, startMoto } from "./world.mjs";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const ACCOUNTS = Number(process.argv[2] ?? 20);
const REGION_COUNT = Number(process.argv[3] ?? 2);
const PER_TARGET = Number(process.argv[4] ?? 250);
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"].slice(0, REGION_COUNT);
const CALLER = "123456789012";
const RULES = "test/fixtures/tags/rules.yaml";
const OUT = "bench/tags/out";
mkdirSync(OUT, { recursive: true });
const config = (url) => ({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });

const moto = await startMoto();
const results = { accounts: ACCOUNTS, regions: REGIONS, perTarget: PER_TARGET, node: process.version };
try {
  let t = Date.now();
  let world = await buildOrg(moto.url);
  log(`world: ${world.accounts.length} accounts × ${REGIONS.length} regions × ${PER_TARGET} instances in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const accounts = world.accounts.join(",");
  const env = { AWS_ENDPOINT_URL: moto.url };
  results.orgScan = strip(await cli(["tags", "scan", "--policy", RULES, "--accounts", accounts, "--regions", REGIONS.join(","), "-o", "json"], env, "org-scan"));
  results.seqScan = await sequential(world, (target) => ["tags", "scan", "--policy", RULES, "--region", target.region, "-o", "json"], "seq-scan");
  if (process.env.SCAN_ONLY) throw Object.assign(new Error("scan only"), { scanOnly: true });
  results.orgEnforce = strip(await cli(["tags", "enforce", "--policy", RULES, "--accounts", accounts, "--regions", REGIONS.join(","), "--no-creator-lookup", "-o", "json"], env, "org-enforce"));
  // Enforce changed the world: rebuild it for the sequential enforce.
  await fetch(`${moto.url}/moto-api/reset`, { method: "POST" });
  world = await buildOrg(moto.url);
  results.seqEnforce = await sequential(world, (target) => ["tags", "enforce", "--policy", RULES, "--region", target.region, "--no-creator-lookup", "-o", "json"], "seq-enforce");
} catch (error) {
  if (!error.scanOnly) throw error;
} finally {
  await moto.stop();
}
writeFileSync(join(OUT, "org-results.json"), `${JSON.stringify(results, null, 2)}\n`);
printTable(results);

/** Results without the (large) JSON documents: counts only. */
function strip({ json, ...rest }) {
  return { ...rest, failedTargets: (json.targets ?? []).filter((t) => t.status !== "ok").length, findings: (json.violations ?? json.actions ?? []).length };
}

async function buildOrg(url) {
  const org = new OrganizationsClient(config(url));
  await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const accounts = [CALLER];
  for (let i = 1; i < ACCOUNTS; i++) {
    const out = await org.send(new CreateAccountCommand({ AccountName: `acct${i}`, Email: `acct${i}@example.com` }));
    accounts.push(out.CreateAccountStatus.AccountId);
  }
  const sts = new STSClient(config(url));
  const creds = new Map();
  for (const account of accounts) {
    let credentials = config(url).credentials;
    if (account !== CALLER) {
      const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: "bench" }))).Credentials;
      credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    }
    creds.set(account, credentials);
    for (const region of REGIONS) {
      const ec2 = new EC2Client({ ...config(url), region, credentials });
      // 40% compliant, 40% missing ProjectCode+CreatedBy, 20% untagged.
      const kinds = [
        [Math.round(PER_TARGET * 0.4), [{ Key: "ProjectCode", Value: "P1" }, { Key: "CreatedBy", Value: "bob" }]],
        [Math.round(PER_TARGET * 0.4), [{ Key: "Name", Value: "web" }]],
        [PER_TARGET - 2 * Math.round(PER_TARGET * 0.4), []],
      ];
      for (const [count, tags] of kinds) {
        if (count > 0) await ec2.send(new RunInstancesCommand({ ImageId: "ami-12345678", MinCount: count, MaxCount: count, TagSpecifications: tags.length ? [{ ResourceType: "instance", Tags: tags }] : undefined }));
      }
    }
  }
  return { accounts, creds, url };
}

/** The single-account command once per target, in sequence, each with that account's credentials. */
async function sequential(world, argsFor, label) {
  const runs = [];
  const started = Date.now();
  for (const account of world.accounts) {
    for (const region of REGIONS) {
      const c = world.creds.get(account);
      const env = { AWS_ENDPOINT_URL: world.url, AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, ...(c.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}) };
      runs.push(await cli(argsFor({ account, region }), env, `${label}-${account}-${region}`, true));
    }
  }
  const calls = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.calls)) calls[k] = (calls[k] ?? 0) + v;
  return {
    seconds: (Date.now() - started) / 1000,
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    calls,
    scanned: runs.reduce((s, r) => s + (r.json.scanned ?? 0), 0),
    processes: runs.length,
  };
}

async function cli(args, env, label, quiet = false) {
  const stats = join(OUT, `${label}-stats.json`);
  const rss = join(OUT, `${label}-rss.txt`);
  const started = Date.now();
  const { code, stdout, stderr } = await run("/usr/bin/time", ["-f", "%M", "-o", rss, process.execPath, "bin/awsblog.js", ...args], { ...env, AWSBLOG_STATS_FILE: stats });
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(join(OUT, `${label}-stderr.txt`), stderr);
  if (!stdout.trim()) throw new Error(`${label}: exit ${code}, no JSON on stdout; stderr: ${stderr.slice(-2000)}`);
  const json = JSON.parse(stdout);
  const peakRssMb = Number(readFileSync(rss, "utf8").trim().split("\n").pop()) / 1024;
  if (!quiet) log(`  ${label}: ${seconds.toFixed(1)} s, exit ${code}, peak RSS ${peakRssMb.toFixed(0)} MB`);
  return { code, seconds, json, peakRssMb, calls: JSON.parse(readFileSync(stats, "utf8")), scanned: json.scanned };
}

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_EC2_METADATA_DISABLED: "true", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}


function printTable(r) {
  const none = { seconds: NaN, peakRssMb: NaN, scanned: "–", calls: {} };
  r.orgEnforce ??= none;
  r.seqEnforce ??= none;
  const keys = [...new Set([r.orgScan, r.seqScan, r.orgEnforce, r.seqEnforce].flatMap((x) => Object.keys(x.calls)))].sort();
  console.log(`scan: org run / per-target sequence = ${(r.orgScan.seconds / r.seqScan.seconds).toFixed(2)}× the time`);
  console.log(`${r.accounts} accounts × ${r.regions.length} regions × ${r.perTarget} instances = ${r.accounts * r.regions.length} targets, ${r.accounts * r.regions.length * r.perTarget} instances; ${r.node}`);
  console.log("| | org scan (1 process, --concurrency 8) | scan per target in sequence | org enforce | enforce per target in sequence |");
  console.log("|---|---|---|---|---|");
  console.log(`| wall time (s) | ${r.orgScan.seconds.toFixed(1)} | ${r.seqScan.seconds.toFixed(1)} | ${r.orgEnforce.seconds.toFixed(1)} | ${r.seqEnforce.seconds.toFixed(1)} |`);
  console.log(`| peak RSS (MB) | ${r.orgScan.peakRssMb.toFixed(0)} | ${r.seqScan.peakRssMb.toFixed(0)} (largest process) | ${r.orgEnforce.peakRssMb.toFixed(0)} | ${r.seqEnforce.peakRssMb.toFixed(0)} (largest process) |`);
  console.log(`| instances scanned | ${r.orgScan.scanned} | ${r.seqScan.scanned} | ${r.orgEnforce.scanned} | ${r.seqEnforce.scanned} |`);
  for (const k of keys) console.log(`| ${k} | ${r.orgScan.calls[k] ?? 0} | ${r.seqScan.calls[k] ?? 0} | ${r.orgEnforce.calls[k] ?? 0} | ${r.seqEnforce.calls[k] ?? 0} |`);
}
