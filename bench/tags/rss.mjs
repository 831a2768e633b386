#!/usr/bin/env node
// Peak RSS of a streamed org scan from 10,000 to 100,000 findings (bench/tags/rss.ts does one
// run in its own process; this runs the grid). Same 100 accounts, 100 instances per target;
// 1 region (100 targets, 10,000 findings) vs 10 regions (1,000 targets, 100,000 findings).
// Each configuration twice: Node's default heap, and the heap capped with
// --max-old-space-size=64 (shows the live set: V8 otherwise lets garbage pile up before it
// collects, which grows RSS with the bytes *allocated*, not with what is kept).
//   node bench/tags/rss.mjs [checkout=.]    (a checkout of another commit gives its baseline)
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(process.argv[2] ?? ".");
const rows = [];
for (const heap of [[], ["--max-old-space-size=64"]]) {
  for (const regions of [1, 10]) {
    const run = spawnSync(process.execPath, [...heap, "scripts/run-ts.mjs", "bench/tags/rss.ts", "100", String(regions), "100"], { cwd: root, encoding: "utf8" });
    const line = run.stdout.trim().split("\n").pop() ?? "";
    const result = line.startsWith("{") ? JSON.parse(line) : { findings: 100 * regions * 100, maxRssMb: `failed (${/heap out of memory|Allocation failed/i.test(run.stderr) ? "out of memory" : `exit ${run.status}`})` };
    rows.push({ heap: heap[0] ?? "default", ...result });
    console.error(JSON.stringify(rows.at(-1)));
  }
}
console.log(`checkout ${root}`);
console.log("| heap | findings | targets | stdout bytes | peak RSS (MB) |\n|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.heap} | ${r.findings} | ${r.targets ?? "–"} | ${r.bytes ?? "–"} | ${r.maxRssMb} |`);
