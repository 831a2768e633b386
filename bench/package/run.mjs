#!/usr/bin/env node
// Benchmark: `awsblog package php` vs Info-ZIP `zip -r -X -q` and `zip -r -X -q -1` on a
// generated runtime tree shaped like a real PHP or Ruby runtime (issue #15): ~300 MB in ~2,000
// files, sizes 1 KB–4 MB (log-skewed: many small, few big), half of the bytes incompressible
// (.so/.phar-like), half source text. Fixed seed: every run and machine packages the same bytes.
// The tree is made in a temp dir by this script and deleted afterwards (never committed).
//
// Usage: node bench/package/run.mjs [--runs 3] [--mb 300] [--rss-mb 1024] [--keep]
//   --rss-mb 0 skips the second, RSS-only run on a bigger tree.
// Needs the built CLI (npm run build), Info-ZIP `zip` and GNU time (/usr/bin/time).
import { execFileSync, spawnSync } from "node:child_process";
import { createCipheriv, createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const runs = option("runs", 3);
const totalMb = option("mb", 300);
const rssMb = option("rss-mb", 1024);
const keep = args.includes("--keep");
const BIN = fileURLToPath(new URL("../../bin/awsblog.js", import.meta.url));
if (!existsSync("/usr/bin/time")) throw new Error("GNU time (/usr/bin/time) is needed for CPU time and peak RSS");

/** Deterministic PRNG (LCG) for sizes, names and text. */
function prng(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** ~4 MB of source-like text: identifiers, keywords, numbers, indentation (deflates ~3:1). */
function corpus(rand) {
  const words = ["function", "return", "const", "let", "if", "else", "for", "while", "class", "import", "export", "from", "async", "await", "new", "this", "null", "true", "false", "string", "number", "lambda", "event", "context", "handler", "runtime", "zip", "buffer", "stream", "error", "$this->", "public", "private", "static", "array", "foreach", "echo", "require_once", "namespace", "use"];
  const parts = [];
  let length = 0;
  while (length < 4 * 1024 * 1024 + 4096) {
    let line = "    ".repeat(Math.floor(rand() * 4));
    const n = 3 + Math.floor(rand() * 8);
    for (let i = 0; i < n; i++) {
      const r = rand();
      line += r < 0.6 ? words[Math.floor(rand() * words.length)] : r < 0.85 ? `v${Math.floor(rand() * 5000).toString(36)}` : String(Math.floor(rand() * 100000));
      line += rand() < 0.2 ? "(" : rand() < 0.2 ? ", " : " ";
    }
    line += ";\n";
    parts.push(line);
    length += line.length;
  }
  return Buffer.from(parts.join(""));
}

/** Incompressible bytes from a fixed key: AES-CTR of zeros (fast, same on every machine). */
function noise(size, index) {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(index, 0);
  const cipher = createCipheriv("aes-128-ctr", Buffer.alloc(16, 7), iv);
  return cipher.update(Buffer.alloc(size));
}

/** Sizes 1 KB–4 MB, skewed towards small files (u^3.5 on a log scale): ~150 KB on average. */
function generate(root, megabytes) {
  const rand = prng(42);
  const text = corpus(rand);
  const target = megabytes * 1024 * 1024;
  const made = { text: 0, noise: 0, files: 0 };
  while (made.text + made.noise < target) {
    const size = Math.round(1024 * 4096 ** (rand() ** 3.5));
    const kind = made.text <= made.noise ? "text" : "noise";
    const i = made.files++;
    const dir = join(root, "runtime", kind === "text" ? "lib/php" : "lib/ext", `d${i % 23}`);
    mkdirSync(dir, { recursive: true });
    if (kind === "text") {
      const start = Math.floor(rand() * (text.length - size));
      writeFileSync(join(dir, `f${i}.php`), text.subarray(start, start + size));
    } else writeFileSync(join(dir, `f${i}.so`), noise(size, i));
    made[kind] += size;
  }
  mkdirSync(join(root, "runtime", "bin"), { recursive: true });
  copyFileSync("/bin/true", join(root, "runtime", "bin", "php"));
  writeFileSync(join(root, "main.php"), "<?php echo 1;\n");
  made.files += 2;
  return made;
}

/** Runs a command under GNU time: wall ms, CPU ms (user + system), peak RSS in MB. */
function measure(command, argv, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync("/usr/bin/time", ["-f", "__stats %U %S %M", command, ...argv], { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${argv.join(" ")} failed: ${result.stderr}`);
  const m = /__stats ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
  return { ms, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, rssMb: Number(m[3]) / 1024 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sha = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

const tools = {
  awsblog: (out) => [process.execPath, [BIN, "package", "php", "--entry", "main.php", "--runtime-dir", "runtime", "--out", out, "-q"]],
  "zip -r -X -q": (out) => ["zip", ["-r", "-X", "-q", out, "main.php", "runtime"]],
  "zip -r -X -q -1": (out) => ["zip", ["-r", "-X", "-q", "-1", out, "main.php", "runtime"]],
};

function compare(root) {
  const results = Object.fromEntries(Object.keys(tools).map((name) => [name, []]));
  const outs = Object.fromEntries(Object.keys(tools).map((name, i) => [name, join(root, `out${i}.zip`)]));
  const digests = [];
  for (let run = 0; run < runs; run++) {
    // Interleaved, so load from other processes on the machine hits every tool alike.
    for (const [name, make] of Object.entries(tools)) {
      rmSync(outs[name], { force: true });
      const [command, argv] = make(outs[name]);
      results[name].push(measure(command, argv, root));
      if (name === "awsblog") digests.push(sha(outs[name]));
    }
  }
  const base = { ms: median(results["zip -r -X -q"].map((r) => r.ms)), bytes: statSync(outs["zip -r -X -q"]).size };
  console.log(`\n${runs} interleaved runs each, medians; ratios against zip -r -X -q (load avg now ${loadavg()[0].toFixed(1)})`);
  console.log("| tool | wall | CPU | size | peak RSS | wall ratio | CPU/wall | size ratio |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const name of Object.keys(tools)) {
    const r = results[name];
    const wall = median(r.map((x) => x.ms));
    const cpu = median(r.map((x) => x.cpuMs));
    const rss = Math.max(...r.map((x) => x.rssMb));
    const bytes = statSync(outs[name]).size;
    console.log(`| ${name} | ${(wall / 1000).toFixed(2)} s | ${(cpu / 1000).toFixed(2)} s | ${bytes} B | ${rss.toFixed(0)} MB | **${(wall / base.ms).toFixed(2)}×** | ${(cpu / wall).toFixed(2)} | **${(bytes / base.bytes).toFixed(4)}×** |`);
    console.log(`|   (each run) | ${r.map((x) => (x.ms / 1000).toFixed(2)).join(", ")} s | | | ${r.map((x) => x.rssMb.toFixed(0)).join(", ")} MB | | | |`);
  }
  const same = digests.every((d) => d === digests[0]);
  console.log(`awsblog zips byte-identical across ${digests.length} runs: ${same ? "yes" : "NO"} (sha256 ${digests[0].slice(0, 16)}…)`);
  execFileSync("unzip", ["-tqq", outs.awsblog]);
  console.log("unzip -t of awsblog's zip: ok");
  if (!same) process.exitCode = 1;
}

function rssOnly(megabytes) {
  const root = mkdtempSync(join(tmpdir(), "awsblog-bench-pkg-big-"));
  try {
    const made = generate(root, megabytes);
    console.log(`\nRSS-only tree: ${made.files} files, ${mb(made.text + made.noise)} MB`);
    const out = join(root, "big.zip");
    const [command, argv] = tools.awsblog(out);
    const r = measure(command, argv, root);
    console.log(`awsblog: peak RSS ${r.rssMb.toFixed(0)} MB, wall ${(r.ms / 1000).toFixed(1)} s, zip ${mb(statSync(out).size)} MB`);
    rmSync(out, { force: true });
    const z = measure("zip", ["-r", "-X", "-q", out, "main.php", "runtime"], root);
    console.log(`zip -r -X -q: peak RSS ${z.rssMb.toFixed(0)} MB, wall ${(z.ms / 1000).toFixed(1)} s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const root = mkdtempSync(join(tmpdir(), "awsblog-bench-pkg-"));
try {
  const made = generate(root, totalMb);
  console.log(`tree: ${made.files} files, ${mb(made.text)} MB text + ${mb(made.noise)} MB incompressible; ${cpus().length} cores; node ${process.version}; load avg ${loadavg()[0].toFixed(1)}`);
  // Packaging is local: the stats file proves it makes no AWS calls.
  const statsFile = join(root, "stats.json");
  execFileSync(process.execPath, [BIN, "package", "php", "--entry", "main.php", "--runtime-dir", "runtime", "--out", join(root, "warm.zip"), "-q"], { cwd: root, env: { ...process.env, AWSBLOG_STATS_FILE: statsFile } });
  console.log(`AWS calls made by awsblog package: ${readFileSync(statsFile, "utf8").trim()} (this run also warms the page cache)`);
  rmSync(join(root, "warm.zip"));
  if (runs > 0) compare(root);
} finally {
  if (keep) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
if (rssMb > 0) rssOnly(rssMb);
