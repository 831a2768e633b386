import { defineCommand, opt, required } from "../../lib/command.js";
import { packageProgram } from "../../lib/package/build.js";
import { LANGUAGES, type Language } from "../../lib/package/limits.js";

/**
 * Not a verb (a leading "_" marks a group's shared file): the one declaration behind
 * `package php`, `package go` and `package ruby`, which differ only in their help.
 */

const LANGUAGE_HELP: Record<Language, { entry: string; entryExample: string; runtime: string; example: string }> = {
  php: {
    entry: "the PHP script to run",
    entryExample: "hello.php",
    runtime: "compiled PHP tree with bin/php inside",
    example: "awsblog package php --entry hello.php --runtime-dir php-7-bin --out php.zip --run-local --event '{\"a\":1}'",
  },
  go: {
    entry: "the compiled Linux binary (GOOS=linux CGO_ENABLED=0 go build)",
    entryExample: "app",
    runtime: "optional folder shipped next to the binary",
    example: "GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -o app . && awsblog package go --entry app --out go.zip",
  },
  ruby: {
    entry: "the Ruby script to run",
    entryExample: "hello.rb",
    runtime: "portable Ruby with bin/ruby inside",
    example: "awsblog package ruby --entry hello.rb --runtime-dir ruby-portable --include lib --out ruby.zip",
  },
};

/** The declaration shared by `package php`, `package go` and `package ruby`. */
export function packageCommand(language: Language) {
  const help = LANGUAGE_HELP[language];
  const interpreter = LANGUAGES[language].interpreter;
  const flags = {
    entry: required(opt.string("--entry <file>", help.entry), `pass the ${language === "go" ? "compiled binary" : `${language} script`} to run, e.g. --entry ${help.entryExample}`),
    runtimeDir: interpreter
      ? required(opt.string("--runtime-dir <dir>", help.runtime), `Lambda's Node.js runtime has no ${language}: pass the folder holding your compiled ${interpreter}`)
      : opt.string("--runtime-dir <dir>", help.runtime),
    include: opt.list("--include <path>", "extra file or folder, relative to the current directory (repeatable)"),
    name: opt.string("--name <wrapper>", `wrapper file name without .js; the handler is <name>.handler (default: ${language})`),
    input: opt.choice("--input <mode>", `how the event reaches the program (default: ${language === "php" ? "stdin" : "argv"})`, ["stdin", "argv"] as const),
    out: required(opt.string("--out <file.zip>", "where to write the zip"), "pass where to write the zip, e.g. --out function.zip"),
    runLocal: opt.flag("--run-local", "after building, extract the zip to a temp dir and call the handler; prints its result"),
    event: opt.string("--event <json>", "event for --run-local: JSON, @file, or - for stdin (default: {})"),
    localTimeout: opt.int("--local-timeout <seconds>", "deadline the wrapper sees under --run-local (default: 30)", { max: 900 }),
  };
  return defineCommand({
    options: flags,
    help: "The zip: sorted entries, fixed timestamps (1980-01-01), 0755 for executables, 0644 otherwise.\nWith --run-local, stdout carries the handler's result; the build summary goes to stderr.",
    examples: [help.example],
    run: (options, ctx) => packageProgram(language, options, ctx),
  });
}
