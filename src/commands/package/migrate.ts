import { defineCommand, opt, required } from "../../lib/command.js";
import { migrateGo } from "../../lib/package/migrate.js";

export default defineCommand({
  options: {
    functionName: opt.string("--function-name <name>", "the go1.x function whose deployed code to migrate (GetFunction)"),
    zip: opt.string("--zip <file>", "or: a go1.x zip on disk"),
    handler: opt.string("--handler <binary>", "the binary in the zip (default: the function's go1.x handler, or the only ELF file at the root)"),
    out: required(opt.string("--out <file.zip>", "where to write the provided.al2023 zip"), "pass where to write the provided.al2023 zip, e.g. --out bootstrap.zip"),
    deploy: opt.flag("--deploy", "with --function-name: switch the function to provided.al2023, handler bootstrap and the binary's architecture, and upload the zip"),
  },
  help: `Go on Lambda is now provided.al2023 with the program as bootstrap (go1.x: creates blocked since 2024-02-08,
updates since 2024-03-12). The binary must link aws-lambda-go (its build info is read; v1.18.0 or newer
answers the Runtime API); it is renamed bootstrap, the zip's other files kept. --deploy runs awsblog deploy
--runtime provided.al2023: configuration first (runtime, handler), then the code with its architecture.
IAM: lambda:GetFunction (and with --deploy lambda:UpdateFunctionConfiguration, lambda:UpdateFunctionCode).`,
  examples: ["awsblog package migrate --function-name legacy-go --out bootstrap.zip --deploy", "awsblog package migrate --zip old-go1x.zip --handler main --out bootstrap.zip"],
  run: (options, ctx) => migrateGo(options, ctx),
});
