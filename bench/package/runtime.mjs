#!/usr/bin/env node
// Benchmark (issue #24): N invocations through `awsblog package … --run-local`, per-invocation
// time of the warm provided.al2023 bootstraps against the post's design, the Node.js wrapper
// that spawns the program once per invocation (the baseline, same language, same machine, same
// run). The programs are the test fixtures (test/fixtures/package): echo.php / echo.rb /
// echo.go for the wrapper and the per-invocation styles, handler.php / handler.rb and the
// Runtime API Go program for the warm bootstraps. Interpreters are Debian's php-cli and ruby,
// copied into runtime dirs as the tests do; Go is compiled here (standard library only).
//
// Usage: node bench/package/runtime.mjs [--events 1000] [--only php,ruby,go] [--warm-only]
// Needs the built CLI (npm run build), php, ruby and go on PATH.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { performance } from "node:perf_hooks";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const events = Number(option("events", "1000"));
const only = option("only", "php,ruby,go").split(",");
// --warm-only: the baseline and the warm bootstrap, not the per-invocation bootstrap styles.
const warmOnly = args.includes("--warm-only");
const BIN = fileURLToPath(new URL("../../bin/awsblog.js", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../../test/fixtures/package/", import.meta.url));

const dir = realpathSync(mkdtempSync(join(tmpdir(), "awsblog-bench-runtime-")));
const goEnv = { ...process.env, CGO_ENABLED: "0", GOOS: "linux", GOFLAGS: "-mod=mod", GOPROXY: "off", GOCACHE: join(tmpdir(), "awsblog-test-gocache") };
try {
  for (const file of ["echo.php", "echo.rb", "echo.go", "handler.php", "handler.rb"]) copyFileSync(join(FIXTURES, file), join(dir, file));
  for (const [name, binary] of [["php-rt", "php"], ["ruby-rt", "ruby"]]) {
    mkdirSync(join(dir, name, "bin"), { recursive: true });
    copyFileSync(realpathSync(`/usr/bin/${binary}`), join(dir, name, "bin", binary));
    chmodSync(join(dir, name, "bin", binary), 0o755);
  }
  execFileSync("go", ["build", "-o", join(dir, "echo-go"), "echo.go"], { cwd: dir, env: goEnv, stdio: "pipe" });
  cpSync(join(FIXTURES, "runtime-api"), join(dir, "rapi-src"), { recursive: true });
  execFileSync("go", ["build", "-o", join(dir, "rapi"), "."], { cwd: join(dir, "rapi-src"), env: goEnv, stdio: "pipe" });
  writeFileSync(join(dir, "events.jsonl"), Array.from({ length: events }, (_, n) => JSON.stringify({ n, name: "ana", tags: ["a", "b"] })).join("\n") + "\n");

  const cases = {
    php: [
      ["wrapper (baseline)", ["package", "php", "--entry", "echo.php", "--runtime-dir", "php-rt"]],
      ["bootstrap, handler (warm)", ["package", "php", "--entry", "handler.php", "--runtime-dir", "php-rt", "--runtime", "provided.al2023"]],
      ["bootstrap, script per invocation", ["package", "php", "--entry", "echo.php", "--runtime-dir", "php-rt", "--runtime", "provided.al2023", "--style", "script"]],
    ],
    ruby: [
      ["wrapper (baseline)", ["package", "ruby", "--entry", "echo.rb", "--runtime-dir", "ruby-rt"]],
      ["bootstrap, handler (warm)", ["package", "ruby", "--entry", "handler.rb", "--runtime-dir", "ruby-rt", "--runtime", "provided.al2023"]],
      ["bootstrap, script per invocation", ["package", "ruby", "--entry", "echo.rb", "--runtime-dir", "ruby-rt", "--runtime", "provided.al2023", "--style", "script"]],
    ],
    go: [
      ["wrapper (baseline)", ["package", "go", "--entry", "echo-go"]],
      ["bootstrap, the program (Runtime API)", ["package", "go", "--entry", "rapi", "--runtime", "provided.al2023", "--runtime-api"]],
      ["bootstrap, program per invocation", ["package", "go", "--entry", "echo-go", "--runtime", "provided.al2023"]],
    ],
  };

  console.log(`${events} invocations each; ${cpus().length} cores; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}; ${new Date().toISOString()}`);
  for (const language of only) {
    let baseline;
    console.log(`\n| ${language} | init | median | p99 | mean | median ratio | p99 ratio |\n|---|---|---|---|---|---|---|`);
    for (const [label, flags] of warmOnly ? cases[language].slice(0, 2) : cases[language]) {
      const started = performance.now();
      const run = spawnSync(process.execPath, [BIN, ...flags, "--out", join(dir, "bench.zip"), "--run-local", "--event", "@events.jsonl", "-o", "json", "-q"], { cwd: dir, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
      const wallS = (performance.now() - started) / 1000;
      if (run.status !== 0) throw new Error(`${language} ${label}: exit ${run.status}: ${run.stderr.slice(-2000)}`);
      const data = JSON.parse(run.stdout);
      const failed = data.invocations.filter((i) => i.error);
      if (failed.length > 0 || data.invocations.length !== events) throw new Error(`${language} ${label}: ${failed.length} failed of ${data.invocations.length}`);
      const times = data.invocations.map((i) => i.durationMs).sort((a, b) => a - b);
      const stats = { median: quantile(times, 0.5), p99: quantile(times, 0.99), mean: times.reduce((a, b) => a + b, 0) / times.length };
      baseline ??= stats;
      const init = data.inits ? data.inits.map((i) => `${i.durationMs.toFixed(0)} ms`).join(", ") : "— (per invocation)";
      console.log(`| ${label} | ${init} | ${stats.median.toFixed(2)} ms | ${stats.p99.toFixed(2)} ms | ${stats.mean.toFixed(2)} ms | **${(stats.median / baseline.median).toFixed(3)}×** | **${(stats.p99 / baseline.p99).toFixed(3)}×** |`);
      console.error(`  (${language} ${label}: ${wallS.toFixed(1)} s wall for the whole run)`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
