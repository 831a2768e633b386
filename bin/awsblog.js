#!/usr/bin/env node
// Entry point: load the compiled CLI and run it. Nothing else belongs here.
import("../dist/cli.js").then(
  (cli) => cli.main(process.argv),
  (err) => {
    if (err?.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist")) {
      process.stderr.write("awsblog: the CLI is not built — run `npm ci` or `npm run build` in the checkout\n");
      process.exit(1);
    }
    throw err;
  },
);
