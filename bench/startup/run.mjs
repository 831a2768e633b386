#!/usr/bin/env node
// Startup benchmark: `awsblog --help` and `awsblog approve --help` against `node -e 0`, the
// floor any Node.js CLI pays. Uses hyperfine when installed (apt-get install hyperfine),
// otherwise times the same commands itself. Run from the repo root after `npm run build`:
//   node bench/startup/run.mjs [runs]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.argv[2] ?? 40);
const node = process.execPath;
const commands = {
  "node -e 0": [node, "-e", "0"],
  "awsblog --help": [node, "bin/awsblog.js", "--help"],
  "awsblog approve --help": [node, "bin/awsblog.js", "approve", "--help"],
};

const hasHyperfine = spawnSync("hyperfine", ["--version"]).status === 0;
const results = hasHyperfine ? withHyperfine() : withNode();
const floor = results["node -e 0"];
console.log(`tool: ${hasHyperfine ? "hyperfine" : "node timer"}, runs: ${runs}, node ${process.version}`);
console.log("| command | mean ms | ± ms | ratio vs node -e 0 |");
console.log("|---|---|---|---|");
for (const [name, r] of Object.entries(results)) {
  console.log(`| \`${name}\` | ${r.mean.toFixed(1)} | ${r.sd.toFixed(1)} | ${(r.mean / floor.mean).toFixed(2)}× |`);
}

function withHyperfine() {
  const out = join(mkdtempSync(join(tmpdir(), "awsblog-bench-")), "startup.json");
  const quoted = Object.values(commands).map((argv) => argv.map((a) => JSON.stringify(a)).join(" "));
  const run = spawnSync("hyperfine", ["-N", "--warmup", "5", "--runs", String(runs), "--export-json", out, ...quoted], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (run.status !== 0) throw new Error("hyperfine failed");
  const data = JSON.parse(readFileSync(out, "utf8"));
  return Object.fromEntries(
    Object.keys(commands).map((name, i) => [name, { mean: data.results[i].mean * 1000, sd: data.results[i].stddev * 1000 }]),
  );
}

function withNode() {
  const stats = {};
  for (const [name, [cmd, ...args]] of Object.entries(commands)) {
    for (let i = 0; i < 5; i++) spawnSync(cmd, args);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      spawnSync(cmd, args, { stdio: "ignore" });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const sd = Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / times.length);
    stats[name] = { mean, sd };
  }
  return stats;
}
