#!/usr/bin/env node
// Benchmark: `awsblog package` vs Info-ZIP `zip -r -X` on the same ~100 MB runtime tree
// (half compressible text, half random bytes), generated into a temp dir and deleted after.
// Usage: node bench/package/run.mjs [--runs 5] [--mb 100] [--keep]
// Needs the built CLI (npm run build) and Info-ZIP `zip`.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const runs = option("runs", 5);
const totalMb = option("mb", 100);
const keep = args.includes("--keep");
const BIN = fileURLToPath(new URL("../../bin/awsblog.js", import.meta.url));

/** Deterministic PRNG so every run and machine packages the same bytes. */
function prng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Source-like text: identifiers, keywords, numbers; deflates about 4:1 like real code. */
function text(size, rand) {
  const words = ["function", "return", "const", "let", "if", "else", "for", "while", "class", "import", "export", "from", "async", "await", "new", "this", "null", "true", "false", "string", "number", "lambda", "event", "context", "handler", "runtime", "zip", "buffer", "stream", "error"];
  const parts = [];
  let length = 0;
  while (length < size) {
    const indent = "  ".repeat(Math.floor(rand() * 4));
    let line = indent;
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
  return Buffer.from(parts.join("")).subarray(0, size);
}

function randomBuffer(size, rand) {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) buf.writeUInt32LE(Math.floor(rand() * 2 ** 32), i);
  return buf;
}

function generate(root) {
  const rand = prng(42);
  const sizes = [2_000, 12_000, 60_000, 250_000, 900_000, 3_000_000, 9_000_000];
  const target = totalMb * 1024 * 1024;
  let made = { text: 0, random: 0 };
  let i = 0;
  while (made.text + made.random < target) {
    const size = sizes[i % sizes.length];
    const kind = made.text <= made.random ? "text" : "random";
    const dir = join(root, "runtime", `lib${i % 9}`, `mod${i % 5}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.${kind === "text" ? "php" : "so"}`), kind === "text" ? text(size, rand) : randomBuffer(size, rand));
    made[kind] += size;
    i++;
  }
  mkdirSync(join(root, "runtime", "bin"), { recursive: true });
  copyFileSync("/bin/true", join(root, "runtime", "bin", "php"));
  writeFileSync(join(root, "main.php"), "<?php echo 1;\n");
  return { files: i + 2, ...made };
}

// GNU time, when installed, adds the CPU seconds: CPU/wall above 1 means both cores worked.
const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function time(command, argv, cwd) {
  const started = process.hrtime.bigint();
  const [cmd, full] = GNU_TIME ? [GNU_TIME, ["-f", "__cpu %U %S", command, ...argv]] : [command, argv];
  const result = spawnSync(cmd, full, { cwd, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env }, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${argv.join(" ")} failed: ${result.stderr}`);
  const cpu = /__cpu ([\d.]+) ([\d.]+)/.exec(result.stderr);
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summarize = (runs) => ({ ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)), all: runs.map((r) => r.ms.toFixed(0)).join(", ") });

const root = mkdtempSync(join(tmpdir(), "awsblog-bench-pkg-"));
try {
  const made = generate(root);
  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
  console.log(`tree: ${made.files} files, ${mb(made.text)} MB text + ${mb(made.random)} MB random; ${cpus().length} cores; node ${process.version}`);
  const infoZip = join(root, "info.zip");
  const ours = join(root, "awsblog.zip");
  const times = { info: [], ours: [] };
  for (let run = 0; run < runs; run++) {
    // Alternate so load from other processes on the machine hits both alike.
    rmSync(infoZip, { force: true });
    times.info.push(time("zip", ["-q", "-r", "-X", infoZip, "main.php", "runtime"], root));
    times.ours.push(time(process.execPath, [BIN, "package", "php", "--entry", "main.php", "--runtime-dir", "runtime", "--out", ours, "-q"], root));
  }
  // Packaging is local: the stats file proves it makes no AWS calls.
  const statsFile = join(root, "stats.json");
  execFileSync(process.execPath, [BIN, "package", "php", "--entry", "main.php", "--runtime-dir", "runtime", "--out", ours, "-q"], { cwd: root, env: { ...process.env, AWSBLOG_STATS_FILE: statsFile } });
  console.log(`AWS calls made by awsblog package: ${readFileSync(statsFile, "utf8").trim()}`);
  const info = { ...summarize(times.info), bytes: statSync(infoZip).size };
  const awsblog = { ...summarize(times.ours), bytes: statSync(ours).size };
  const line = (label, r) => `${label}: ${r.ms.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU, ${r.bytes} bytes   (wall of each run: ${r.all})`;
  console.log(`runs: ${runs} each, medians`);
  console.log(line("Info-ZIP zip -r -X", info));
  console.log(line("awsblog package   ", awsblog));
  console.log(`time ratio awsblog/Info-ZIP: ${(awsblog.ms / info.ms).toFixed(2)}   size ratio: ${(awsblog.bytes / info.bytes).toFixed(4)}`);
} finally {
  if (keep) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
