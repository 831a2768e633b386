import { Option, type Command } from "commander";
import { collect, positiveInt } from "../../lib/input.js";
import { action } from "../legacy.js";
import type { Language } from "../../lib/package/limits.js";
import type { PackageOptions } from "./build.js";
import type { DeployOptions } from "./deploy.js";
import type { VerifyOptions } from "./verify.js";

const LANGUAGE_HELP: Record<Language, { entry: string; runtime: string; example: string }> = {
  php: {
    entry: "the PHP script to run",
    runtime: "compiled PHP tree with bin/php inside (required)",
    example: "awsblog package php --entry hello.php --runtime-dir php-7-bin --out php.zip --run-local --event '{\"a\":1}'",
  },
  go: {
    entry: "the compiled Linux binary (GOOS=linux CGO_ENABLED=0 go build)",
    runtime: "optional folder shipped next to the binary",
    example: "GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -o app . && awsblog package go --entry app --out go.zip",
  },
  ruby: {
    entry: "the Ruby script to run",
    runtime: "portable Ruby with bin/ruby inside (required)",
    example: "awsblog package ruby --entry hello.rb --runtime-dir ruby-portable --include lib --out ruby.zip",
  },
};

export function register(program: Command): void {
  const pkg = program
    .command("package")
    .description("zip a PHP, Go or Ruby program with a safe Node.js wrapper for Lambda; verify; run locally")
    .addHelpText("after", "\nExample:\n  $ awsblog package go --entry app --out go.zip --run-local --event '{\"name\":\"ana\"}'\n  $ awsblog package verify go.zip");

  for (const language of ["php", "go", "ruby"] as const) {
    const help = LANGUAGE_HELP[language];
    pkg
      .command(language)
      .description(`build a Lambda zip: ${language === "go" ? "a Go binary" : `a ${language} script and its runtime`} plus a Node.js wrapper (${language}.js)`)
      .requiredOption("--entry <file>", help.entry)
      .option("--runtime-dir <dir>", help.runtime)
      .option("--include <path>", "extra file or folder, relative to the current directory (repeatable)", collect)
      .option("--name <wrapper>", `wrapper file name without .js; the handler is <name>.handler (default: ${language})`)
      .addOption(new Option("--input <mode>", `how the event reaches the program (default: ${language === "php" ? "stdin" : "argv"})`).choices(["stdin", "argv"]))
      .requiredOption("--out <file.zip>", "where to write the zip")
      .option("--run-local", "after building, extract the zip to a temp dir and call the handler; prints its result")
      .option("--event <json>", "event for --run-local: JSON, @file, or - for stdin (default: {})")
      .option("--local-timeout <seconds>", "deadline the wrapper sees under --run-local (default: 30)", positiveInt("--local-timeout", { max: 900 }))
      .addHelpText("after", `\nThe zip: sorted entries, fixed timestamps (1980-01-01), 0755 for executables, 0644 otherwise.\nWith --run-local, stdout carries the handler's result; the build summary goes to stderr.\n\nExample:\n  $ ${help.example}`)
      .action(
        action<PackageOptions>(async () => {
          const { packageProgram } = await import("./build.js");
          return (options, ctx) => packageProgram(language, options, ctx);
        }),
      );
  }

  pkg
    .command("verify")
    .description("check a zip for Lambda: handler file, exec bits, CRLF shebangs, sizes (exit 3 with findings)")
    .argument("<zip>", "the zip to check, made by awsblog or anything else")
    .option("--handler <handler>", "also check that this handler's file exists, e.g. php.handler")
    .addHelpText("after", "\nExample:\n  $ awsblog package verify function.zip -o json")
    .action(
      action<VerifyOptions>(async () => {
        const { verifyCommand } = await import("./verify.js");
        return (options, ctx, args) => verifyCommand(args[0], options, ctx);
      }),
    );

  program
    .command("deploy")
    .description("create or update a Lambda function from a zip and wait until Lambda has applied it")
    .requiredOption("--zip <file>", "the zip to upload (at most 50 MB)")
    .requiredOption("--function-name <name>", "function name or ARN")
    .option("--role <arn>", "execution role ARN (required when the function does not exist yet)")
    .option("--runtime <runtime>", "Node.js runtime (default on create: nodejs20.x)")
    .option("--handler <handler>", "handler, e.g. php.handler (default: the wrapper found in the zip)")
    .option("--memory <mb>", "memory in MB, 128-10240", positiveInt("--memory", { min: 128, max: 10240 }))
    .option("--timeout <seconds>", "timeout in seconds, 1-900", positiveInt("--timeout", { max: 900 }))
    .option("--no-verify", "deploy even when the zip has verify findings (missing exec bits, missing handler file, …)")
    .addHelpText(
      "after",
      "\nChecks the zip first (as package verify does) and refuses one that cannot run (exit 2).\nUpdates the code when the function exists (and the configuration when a flag differs), else creates it.\n\nExample:\n  $ awsblog deploy --zip php.zip --function-name hello-php --role arn:aws:iam::123456789012:role/lambda-basic --timeout 10",
    )
    .action(
      action<DeployOptions>(async () => {
        const { deploy } = await import("./deploy.js");
        return (options, ctx) => deploy(options, ctx);
      }),
    );
}
