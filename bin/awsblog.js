#!/usr/bin/env node
// Entry point: the real process as the CLI's `io`, then exit with the code main returns.
// The only place that exits the process.

// Built-ins through process.getBuiltinModule (Node ≥ 20.16) where it exists: an ESM import of a
// built-in costs more than all of the credential_process fast path below.
const builtin = async (name) => process.getBuiltinModule?.(name) ?? (await import(name));

// `saml login … --credential-process` with fresh cached credentials: answered without loading
// the CLI (src/lib/saml/fast-credential-process.ts); anything else, or a miss, runs the CLI.
const argv = process.argv.slice(2);
if (argv.includes("--credential-process") && !argv.includes("--force")) {
  let fast;
  try {
    fast = (await builtin("node:module")).createRequire(import.meta.url)("../dist/fast-credential-process.cjs");
  } catch {
    fast = undefined; // not built: the CLI below says so
  }
  const doc = await fast?.answer(argv, process.env, new Date());
  if (doc !== undefined) {
    // fd 1 directly: creating process.stdout (a pipe under the SDKs) would cost more than the rest.
    (await builtin("node:fs")).writeSync(1, doc);
    process.exit(0);
  }
}

const cli = await import("../dist/cli.js").catch((err) => {
  if (err?.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist")) {
    process.stderr.write("awsblog: the CLI is not built — run `npm ci` or `npm run build` in the checkout\n");
    process.exit(1);
  }
  throw err;
});

// `awsblog … | head` closes the pipe early: that is the reader's choice, not our error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// The AWS SDK warns on every run under Node.js 20 about its future support window: noise for
// a CLI's users (our own `engines` states what we support). Users may opt back in with =false.
// This file owns the process, so the process-wide default is set here, not in src/.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const statsFile = process.env.AWSBLOG_STATS_FILE;
const { writeFileSync } = await builtin("node:fs");
const code = await cli.main(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  onInterrupt(handler) {
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  },
  exitNow: (exitCode) => process.exit(exitCode),
  // Benchmarks set AWSBLOG_STATS_FILE to learn how many AWS calls a run made, per operation.
  // Sync on purpose: this runs once at exit and must land before the process ends.
  onCalls: statsFile ? (calls) => writeFileSync(statsFile, `${JSON.stringify(Object.fromEntries(calls))}\n`) : undefined,
});
// Let stdout drain; lingering keep-alive sockets cannot hold the exit.
process.exitCode = code;
setTimeout(() => process.exit(code), 200).unref();
