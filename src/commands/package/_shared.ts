import { defineCommand, opt, required } from "../../lib/command.js";
import { packageProgram } from "../../lib/package/build.js";
import { LANGUAGES, type Language } from "../../lib/package/limits.js";

/**
 * Not a verb (a leading "_" marks a group's shared file): the one declaration behind
 * `package php`, `package go` and `package ruby`, which differ only in their help.
 */

const LANGUAGE_HELP: Record<Language, { entry: string; entryExample: string; runtime: string; example: string; provided: string }> = {
  php: {
    entry: "the PHP script to run",
    entryExample: "hello.php",
    runtime: "compiled PHP tree with bin/php inside",
    example: "awsblog package php --entry hello.php --runtime-dir php-7-bin --out php.zip --run-local --event '{\"a\":1}'",
    provided: "awsblog package php --entry handler.php --runtime-dir php-bin --runtime provided.al2023 --out php.zip --run-local --event @events.jsonl --timeout 5",
  },
  go: {
    entry: "the compiled Linux binary (GOOS=linux CGO_ENABLED=0 go build)",
    entryExample: "app",
    runtime: "optional folder shipped next to the binary",
    example: "GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -o app . && awsblog package go --entry app --out go.zip",
    provided: "GOARCH=arm64 go build -o app . && awsblog package go --entry app --runtime provided.al2023 --arch arm64 --out go.zip   # aws-lambda-go: the program is the bootstrap",
  },
  ruby: {
    entry: "the Ruby script to run",
    entryExample: "hello.rb",
    runtime: "portable Ruby with bin/ruby inside",
    example: "awsblog package ruby --entry hello.rb --runtime-dir ruby-portable --include lib --out ruby.zip",
    provided: "awsblog package ruby --entry handler.rb --runtime-dir ruby-portable --runtime provided.al2023 --out ruby.zip --run-local --event '{\"a\":1}' --event '{\"b\":2}'",
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
    event: opt.list("--event <json>", "event for --run-local: JSON, @file (one document, or JSON Lines), or - for stdin; repeatable (default: {})"),
    timeout: opt.int("--timeout <seconds>", "the function's timeout under --run-local: each invocation's deadline (default: 30)", { max: 900 }),
    localTimeout: opt.int("--local-timeout <seconds>", "older name of --timeout", { max: 900 }),
    runtime: opt.string("--runtime <runtime>", "provided.al2023: a bootstrap for Lambda's OS-only runtime instead of the Node.js wrapper"),
    arch: opt.choice("--arch <arch>", "with --runtime provided.al2023: x86_64 or arm64 (default: the program's or interpreter's); a mismatch is refused", ["x86_64", "arm64"] as const),
    ...(language === "go"
      ? { runtimeApi: opt.flag("--runtime-api", "the program speaks the Runtime API itself (aws-lambda-go): ship it as bootstrap (detected from its build info)") }
      : { style: opt.choice("--style <style>", "with --runtime provided.al2023: handler (load once, serve many; default) or script (the post's per-invocation script)", ["handler", "script"] as const) }),
  };
  return defineCommand({
    options: flags,
    help: "The zip: sorted entries, fixed timestamps (1980-01-01), 0755 for executables, 0644 otherwise.\nWith --run-local, stdout carries the handler's result (one line per event); the build summary goes to stderr.\n--runtime provided.al2023 writes a bootstrap for Lambda's OS-only runtime instead of the Node.js wrapper;\n--run-local then serves the events to it through a local Lambda Runtime API and reports init and invoke times.",
    examples: [help.example, help.provided],
    run: (options, ctx) => packageProgram(language, options, ctx),
  });
}
