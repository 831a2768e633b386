// Loaded with `node --import` into the CLI's process by bench/tags/rss.mjs: at exit, writes the
// process's peak RSS (getrusage maxRSS, in KiB) to the file RSS_PROBE_OUT names.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  if (process.env.RSS_PROBE_OUT) writeFileSync(process.env.RSS_PROBE_OUT, String(process.resourceUsage().maxRSS));
});
