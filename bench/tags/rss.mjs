#!/usr/bin/env node
// Peak RSS of a streamed org scan against the number of findings: the built CLI
// (`bin/awsblog.js tags scan --accounts … --regions … -o json > file`, as cron runs it, real SDK
// and real HTTP) against bench/tags/rss-server.mjs, a loopback STS + EC2 that answers every
// target with 100 instances in the XML AWS sends (100,000 instances in moto would take hours).
// Sizes: 100 accounts × 1 region (100 targets, 10,000 findings), × 10 regions (1,000 targets,
// 100,000), and 300 accounts × 10 regions (3,000 targets, 300,000) to show the curve past that.
// Each size runs RUNS times (median, range) with two heap set-ups:
//   default    Node's own flags, as `npx awsblog` runs.
//   old=32     --max-old-space-size=32: the old generation capped at 32 MB, so V8 collects
//              instead of growing — what the run needs to hold, and proof it fits.
// Peak RSS is getrusage's maxRSS at exit (bench/tags/rss-probe.mjs, loaded with --import).
// The checkout must be built (`npm run build`); another commit's checkout gives its baseline.
//   node bench/tags/rss.mjs [checkout=.] [--runs 3] [--sizes 10k,100k,300k,100k-slow] [--setups default,old=32] [--command scan|enforce]
// (old=32 is slow past 100k: V8 collects all the time; `--runs 1 --sizes 10k,100k,100k-slow --setups old=32` is enough.)
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: "string", default: "3" }, sizes: { type: "string", default: "10k,100k,300k,100k-slow" }, setups: { type: "string", default: "default,old=32" }, command: { type: "string", default: "scan" } },
});
const root = resolve(positionals[0] ?? ".");
const RUNS = Number(opts.runs);
// enforce: every instance gets 2 actions (ProjectCode, CreatedBy=Undefined with --no-creator-lookup), CreateTags grouped.
const COMMAND = opts.command === "enforce" ? ["enforce", "--no-creator-lookup"] : ["scan"];
// [accounts, regions, slowFirst]: "100k-slow" is 100k with the first target answered after
// 990 others (its findings and everyone's behind it wait: in memory up to 5,000, then on disk).
// "1m" is 1,000 accounts × 10 regions (10,000 targets, the same 100 instances each), ~3–4 min a run.
// "10k-wide" is 10k over the 1,000 targets of 100k (10 instances each): the same run length and
// target count as 100k, only the findings differ (and each target's page is smaller).
const SIZES = { "10k": [100, 1, 0], "100k": [100, 10, 0], "300k": [300, 10, 0], "100k-slow": [100, 10, 990], "1m": [1000, 10, 0], "10k-wide": [100, 10, 0, 10] };
const sizes = opts.sizes.split(",");
const ALL_SETUPS = { default: [], "old=32": ["--max-old-space-size=32"] };
const SETUPS = Object.fromEntries(Object.entries(ALL_SETUPS).filter(([name]) => opts.setups.split(",").includes(name)));
const REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "ap-south-1", "ap-northeast-1"];
const here = (f) => fileURLToPath(new URL(f, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "awsblog-rss-"));
const env = {
  PATH: process.env.PATH,
  TMPDIR: dir,
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  RSS_PROBE_OUT: join(dir, "rss"),
};

let server;

/** Every run's stdout is one JSON document; past V8's string limit (the 1m size), its two ends are checked. */
function checkDocument(file, size) {
  if (size < 256 << 20) return JSON.parse(readFileSync(file, "utf8"));
  const fd = openSync(file, "r");
  const end = Buffer.alloc(4096);
  readSync(fd, end, 0, end.length, size - end.length);
  const head = Buffer.alloc(32);
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  if (!head.toString().startsWith('{\n  "') || !/\n {2}"\w+": [^\n]+\n}\n$/.test(end.toString())) throw new Error(`${file}: not one JSON document`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
try {
  for (const [setup, flags] of Object.entries(SETUPS)) {
    for (const size of sizes) {
      const [accounts, regions, slowFirst, perTarget = 100] = SIZES[size];
      // A server per size (the slow one holds its first answer), in its own process.
      server = spawn(process.execPath, [here("./rss-server.mjs"), String(perTarget), String(slowFirst)], { stdio: ["ignore", "pipe", "inherit"] });
      const port = await new Promise((ok) => server.stdout.once("data", (d) => ok(Number(String(d).trim()))));
      env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
      const ids = Array.from({ length: accounts }, (_, i) => String(200000000000 + i)).join(",");
      const args = [...flags, "--import", here("./rss-probe.mjs"), join(root, "bin/awsblog.js"), "tags", ...COMMAND, "--policy", join(root, "test/fixtures/tags/rules.yaml"), "--accounts", ids, "--regions", REGIONS.slice(0, regions).join(","), "-o", "json"];
      const rss = [];
      const seconds = [];
      let bytes;
      for (let i = 0; i < RUNS; i++) {
        const out = join(dir, "out.json");
        const started = process.hrtime.bigint();
        const run = spawnSync("sh", ["-c", `exec "$@" > "${out}"`, "sh", process.execPath, ...args], { env, encoding: "utf8", maxBuffer: 64 << 20 });
        seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
        if (run.status !== (opts.command === "enforce" ? 0 : 3)) {
          // A baseline may not fit the capped heap: the row says so, the grid goes on.
          const oom = /heap out of memory|Allocation failed/i.test(run.stderr);
          console.error(`${size} ${setup}: exit ${run.status} (scan: 3 expected, every instance violates; enforce: 0): ${oom ? "out of memory" : run.stderr.trim().split("\n").pop()}`);
          rss.push(oom ? "out of memory" : `exit ${run.status}`);
          break;
        }
        rss.push(Math.round(Number(readFileSync(env.RSS_PROBE_OUT, "utf8")) / 1024));
        bytes = statSync(out).size;
        checkDocument(out, bytes);
      }
      server.kill("SIGTERM");
      rows.push({ setup, size, targets: accounts * regions, findings: accounts * regions * perTarget, bytes, rss, seconds: median(seconds) });
      console.error(JSON.stringify(rows.at(-1)));
    }
  }
} finally {
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
console.log(`checkout ${root}, tags ${COMMAND.join(" ")}, ${RUNS} run(s) each; peak RSS (maxRSS) in MB, median (range)`);
console.log("| heap | size | findings | targets | stdout bytes | wall (s) | peak RSS | vs the first size |\n|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const first = rows.find((x) => x.setup === r.setup);
  const ok = (x) => x.rss.every(Number.isFinite);
  if (!ok(r)) {
    console.log(`| ${r.setup} | ${r.size} | ${r.findings} | ${r.targets} | – | – | ${r.rss.at(-1)} | |`);
    continue;
  }
  const ratio = r === first || !ok(first) ? "" : `${(median(r.rss) / median(first.rss)).toFixed(2)}×`;
  console.log(`| ${r.setup} | ${r.size} | ${r.findings} | ${r.targets} | ${r.bytes} | ${r.seconds.toFixed(1)} | ${median(r.rss)} (${Math.min(...r.rss)}–${Math.max(...r.rss)}) | ${ratio} |`);
}
