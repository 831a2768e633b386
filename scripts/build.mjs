#!/usr/bin/env node
// Builds dist/ with esbuild: one ESM entry (dist/cli.js) holding everything `--help` needs,
// commander included, and one lazily loaded chunk per command module. Measured against tsc's
// file-per-module output, the single entry saves ~40% of the start-up work above `node -e 0`
// (bench/README.md). Runtime dependencies other than commander stay external. Type checking
// is `npm run typecheck` (tsc --noEmit).
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const bundled = new Set(["commander"]);
const external = Object.keys(pkg.dependencies ?? {})
  .filter((name) => !bundled.has(name))
  .flatMap((name) => [name, `${name}/*`]);

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ["src/cli.ts"],
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  external,
  // commander is CommonJS and requires Node built-ins; ESM output needs a real `require`.
  banner: { js: "import { createRequire as __awsblogRequire } from 'node:module'; const require = __awsblogRequire(import.meta.url);" },
  logLevel: "warning",
});
