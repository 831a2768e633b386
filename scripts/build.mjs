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

/** What every bundle here shares: Node.js 20, one folder, quiet unless something is wrong. */
const forNode = { outdir: "dist", bundle: true, platform: "node", target: "node20", logLevel: "warning" };

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  ...forNode,
  entryPoints: ["src/cli.ts"],
  splitting: true,
  format: "esm",
  sourcemap: true,
  external,
  // commander is CommonJS and requires Node built-ins; ESM output needs a real `require`.
  banner: { js: "import { createRequire as __awsblogRequire } from 'node:module'; const require = __awsblogRequire(import.meta.url);" },
});

// The credential_process fast path (bin/awsblog.js tries it first): node built-ins and the
// credentials cache only, in ONE CommonJS file — no shared chunks to resolve, and built-ins by
// require() rather than as ES modules (each ESM built-in import builds a namespace: measured
// +13–15 M instructions apiece) — so a cached answer costs little more than starting node (bench/saml).
await build({ ...forNode, entryPoints: { "fast-credential-process": "src/lib/saml/fast-credential-process.ts" }, outExtension: { ".js": ".cjs" }, format: "cjs", sourcemap: true, external });

// The Lambda handler `awsblog tags schedule` deploys: the tag engine in ONE self-contained file
// (AWS SDK clients included, pinned to this package's versions), built here because esbuild
// is a devDependency that users' installs do not have. `tags schedule` zips this file.
// services.ts names every AWS API lazily; all but the tag engine's are stubbed out
// so their SDK clients stay out of the bundle.
const tagEngineApis = new Set(["ec2", "cloudtrail", "dynamodb", "sns", "sts-caller", "organizations", "tagging"]);
const notInHandler = (path) => {
  const name = /(?:^|[\\/])aws[\\/]([a-z0-9-]+)\.js$/.exec(path)?.[1];
  return name !== undefined && name !== "factory" && name !== "errors" && !tagEngineApis.has(name);
};
const stubUnused = {
  name: "stub-unused-aws-apis",
  setup(b) {
    b.onResolve({ filter: /\.\/aws\/[a-z0-9-]+\.js$/ }, (args) => (notInHandler(args.path) ? { path: args.path, namespace: "unused-aws-api" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "unused-aws-api" }, () => ({ contents: "export {};", loader: "js" }));
  },
};
await build({
  ...forNode,
  entryPoints: { "lambda/tags-handler": "src/lambda/tags-handler.ts" },
  outExtension: { ".js": ".mjs" },
  format: "esm",
  minify: true,
  legalComments: "none",
  plugins: [stubUnused],
  external: ["ora", "commander"],
  banner: { js: "import { createRequire as __awsblogRequire } from 'node:module'; const require = __awsblogRequire(import.meta.url);" },
});
