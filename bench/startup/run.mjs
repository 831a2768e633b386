#!/usr/bin/env node
// Startup benchmark: `awsblog --help` and `awsblog approve --help` against `node -e 0`, the
// floor any Node.js CLI pays. Run from the repo root after `npm run build`:
//   node bench/startup/run.mjs [runs=60] [--instructions]
// Wall time: the three commands run interleaved (round-robin), so drift in machine speed hits
// all of them alike; medians and the ratio of medians are reported.
// --instructions also counts instructions with valgrind's callgrind (apt-get install valgrind):
// slow (~15 s a command) but independent of whatever else the machine is doing.
import { spawnSync } from "node:child_process";

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 60);
const countInstructions = process.argv.includes("--instructions");
const node = process.execPath;
const commands = {
  "node -e 0": [node, "-e", "0"],
  "awsblog --help": [node, "bin/awsblog.js", "--help"],
  "awsblog approve --help": [node, "bin/awsblog.js", "approve", "--help"],
};

const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let round = -5; round < runs; round++) {
  for (const [name, [cmd, ...args]] of Object.entries(commands)) {
    const start = process.hrtime.bigint();
    const run = spawnSync(cmd, args, { stdio: "ignore" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) throw new Error(`${name} exited ${run.status}`);
    if (round >= 0) samples[name].push(ms); // the first 5 rounds warm the file cache
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = median(samples["node -e 0"]);
console.log(`wall time: ${runs} interleaved rounds, node ${process.version}`);
console.log("| command | median ms | min ms | ratio vs node -e 0 (medians) |");
console.log("|---|---|---|---|");
for (const [name, xs] of Object.entries(samples)) {
  console.log(`| \`${name}\` | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)} | ${(median(xs) / floor).toFixed(2)}× |`);
}

if (countInstructions) {
  const counts = Object.fromEntries(Object.entries(commands).map(([name, argv]) => [name, instructions(argv)]));
  console.log("\n| command | instructions (callgrind) | ratio vs node -e 0 |");
  console.log("|---|---|---|");
  for (const [name, n] of Object.entries(counts)) {
    console.log(`| \`${name}\` | ${(n / 1e6).toFixed(0)} M | ${(n / counts["node -e 0"]).toFixed(2)}× |`);
  }
}

function instructions([cmd, ...args]) {
  const run = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", cmd, ...args], { encoding: "utf8" });
  const match = /Collected : (\d+)/.exec(run.stderr);
  if (!match) throw new Error(`callgrind gave no count for ${cmd} ${args.join(" ")}`);
  return Number(match[1]);
}
