#!/usr/bin/env node
// Runs a TypeScript entry of this checkout (the playground, an example) with no TS loader:
// esbuild (a devDependency, as for scripts/build.mjs) bundles the entry's own files into one
// ESM file under node_modules/.cache, packages stay imports resolved from node_modules, and
// this process imports it — so signals reach the entry itself, with no wrapper process.
//   node scripts/run-ts.mjs playground/main.ts [args…]
import { build } from "esbuild";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { rmSync } from "node:fs";

// The SDK's Node.js-support notice is noise here (the CLI and the tests suppress it too).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs <file.ts> [args…]");
  process.exit(2);
}
const root = resolve(import.meta.dirname, "..");
const outfile = resolve(root, "node_modules/.cache/awsblog", `${basename(resolve(entry), ".ts")}-${process.pid}.mjs`);
await build({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  packages: "external",
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
// The entry sees its own arguments, as if run directly.
process.argv = [process.argv[0], resolve(entry), ...args];
// Removed however the entry ends (it may call process.exit from a signal handler).
process.on("exit", () => rmSync(outfile, { force: true }));
await import(pathToFileURL(outfile).href);
