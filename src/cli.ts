import { Argument, Command, CommanderError, Help, Option } from "commander";
import { commands, groups, type CommandEntry } from "./commands/index.js";
import { completionValues, type AnyCommandSpec } from "./lib/command.js";
import type { CompletionNode } from "./lib/completion.js";
import type { GlobalOptions, Io } from "./lib/context.js";
import { ExitCode, exitCodeOf } from "./lib/errors.js";
import { createOutput, OUTPUT_FORMATS, terminalWidth } from "./lib/output.js";
import { reportError, runCommand } from "./lib/run.js";
import { commanderErrorLine, endpointUrl, region, requireSubcommands, seconds, unknownHelpTopic } from "./lib/usage.js";
import { version } from "./lib/version.js";
import { wrapHelp } from "./lib/wrap.js";

/**
 * Builds the commander program from the manifest (`src/commands/index.ts`). Every command is
 * registered by name and summary only; its module (options, help, handler) is imported just
 * before commander dispatches to it, so `--help` and `approve` load nothing they do not use.
 */
export function buildProgram(io: Io, onExit: (code: number) => void): Command {
  const helpWidth = terminalWidth(io.stdout, io.env) ?? 80;
  const program = new Command("awsblog")
    .description("Run the AWS serverless blog workflows from the terminal: approvals, tag policy, Cognito, Lambda DLQs, packaging, SAML sign-in and CodePipeline.")
    .version(version(), "-V, --version")
    .option("--region <region>", "AWS region (default: from AWS_REGION or your profile)", region)
    .option("--profile <profile>", "named profile from your AWS config files")
    .option("--endpoint-url <url>", "send every AWS call to this endpoint (e.g. a local emulator)", endpointUrl)
    .addOption(new Option("-o, --output <format>", "result format").choices(OUTPUT_FORMATS).default("text"))
    .option("--query <jmespath>", "JMESPath applied to the JSON result before printing (implies -o json unless yaml/table)")
    .option("--cli-read-timeout <s>", "seconds an AWS call may wait for an answer (0 = no limit; default 60)", seconds("--cli-read-timeout"))
    .option("--cli-connect-timeout <s>", "seconds to connect to AWS (0 = no limit; default 10)", seconds("--cli-connect-timeout"))
    .option("--no-color", "disable colour (NO_COLOR also works)")
    .option("-q, --quiet", "print results only: no progress or informational messages")
    .option("--debug", "print stack traces and AWS request summaries (secrets redacted) to stderr")
    .showSuggestionAfterError()
    // Every subcommand's help also lists --region, --endpoint-url, -o … (they work everywhere).
    .configureHelp({
      showGlobalOptions: true,
      // A declared `required(…)` option says so in --help; no description writes it by hand.
      optionDescription(this: Help, option: Option): string {
        const text = Help.prototype.optionDescription.call(this, option);
        return option.mandatory ? `${text} (required)` : text;
      },
    })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => helpWidth,
      getErrHelpWidth: () => helpWidth,
      outputError: (message, write) => write(commanderErrorLine(message)),
    })
    .addHelpText("after", () =>
      wrapHelp(
        `
Exit codes: 0 ok · 1 failure · 2 usage/input error · 3 findings · 4 partial failure · 130 interrupted

Examples:
  $ awsblog approve --token "$TASK_TOKEN"
  $ awsblog tags scan --policy rules.yaml --vpc vpc-0abc -o json
  $ awsblog dlq inspect --queue-url "$DLQ_URL" --function my-fn --logs
  $ awsblog package go --entry ./bin/app --out app.zip`,
        helpWidth,
      ),
    );

  const parents = new Map<string, Command>([["", program]]);
  const parentOf = (path: readonly string[]): Command => {
    const key = path.join(" ");
    const known = parents.get(key);
    if (known) return known;
    const group = groups.find((g) => g.path.join(" ") === key);
    const parent = parentOf(path.slice(0, -1))
      .command(path[path.length - 1]!)
      .description(group?.summary ?? "");
    attachOnDispatch(parent);
    parents.set(key, parent);
    return parent;
  };
  const entries = new Map<Command, CommandEntry>();
  attachOnDispatch(program);
  for (const entry of commands) {
    const leaf = parentOf(entry.path.slice(0, -1)).command(entry.path[entry.path.length - 1]!).description(entry.summary);
    entries.set(leaf, entry);
  }

  /** Loads a leaf's declaration the moment commander is about to run it (or show its help). */
  function attachOnDispatch(parent: Command): void {
    parent.hook("preSubcommand", async (_parent, sub) => {
      const entry = entries.get(sub);
      if (entry) declare(sub, (await entry.load()).default, io, onExit, helpWidth);
    });
  }
  requireSubcommands(program);
  return program;
}

/**
 * Adds a declared command's options, arguments, help and action to its commander stub.
 * Commander checks required options and arguments (a missing one is one usage line, exit 2)
 * and runs argument parsers before the action; the handler gets its arguments by name.
 */
export function declare(command: Command, spec: AnyCommandSpec, io: Io, onExit: (code: number) => void, helpWidth = 80): void {
  if (command.options.length > 0 || command.registeredArguments.length > 0) return; // declared already
  const missingHints = new Map<string, string | undefined>();
  for (const [key, declared] of Object.entries(spec.options)) {
    const option = new Option(declared.flags, declared.description);
    if (declared.parse) option.argParser(declared.parse);
    if (declared.choices) option.choices(declared.choices);
    if (declared.defaultValue !== undefined) option.default(declared.defaultValue, declared.defaultDescription);
    if (declared.hidden) option.hideHelp();
    if (declared.required) {
      option.makeOptionMandatory();
      missingHints.set(option.flags, declared.required.hint);
    }
    if (declared.values) completionValues.set(option, declared.values);
    if (option.attributeName() !== key) throw new Error(`option ${declared.flags} is declared as "${key}", commander calls it "${option.attributeName()}"`);
    command.addOption(option);
  }
  const argKeys = Object.keys(spec.args ?? {});
  for (const [key, declared] of Object.entries(spec.args ?? {})) {
    const argument = new Argument(declared.name, declared.description);
    const parse = declared.parse;
    if (parse) argument.argParser((argument.variadic ? (value: string, previous: unknown[] = []) => [...previous, parse(value)] : (value: string) => parse(value)) as never);
    if (camelCase(argument.name()) !== key) throw new Error(`argument ${declared.name} is declared as "${key}", expected "${camelCase(argument.name())}"`);
    if (declared.values) completionValues.set(argument, declared.values);
    command.addArgument(argument);
  }
  if (spec.passThrough) command.allowUnknownOption().allowExcessArguments();
  // A missing required option: `awsblog: --flag is required — <the declaration's hint>`.
  command.configureOutput({ outputError: (message, write) => write(commanderErrorLine(message, (flags) => missingHints.get(flags))) });
  const examples = spec.examples.map((line) => `  $ ${line}`).join("\n");
  const after = `${spec.help ? `\n${spec.help.replace(/^\n+|\n+$/g, "")}\n` : ""}\nExample${spec.examples.length > 1 ? "s" : ""}:\n${examples}`;
  command.addHelpText("after", () => wrapHelp(after, helpWidth));
  command.action(async (...argv: unknown[]) => {
    const self = argv[argv.length - 1] as Command;
    const args = Object.fromEntries(argKeys.map((key, i) => [key, self.processedArgs[i]]));
    onExit(await runCommand(spec, self.opts(), args, readGlobals(self), io, { commandTree }));
  });
}

/**
 * The whole tree, with options, for `awsblog completion`: builds the program as the CLI does,
 * then loads every manifest command's declaration (normally loaded only when it runs).
 */
async function commandTree(): Promise<CompletionNode> {
  const quiet = { write: () => true };
  const io: Io = { stdout: quiet, stderr: quiet, stdin: process.stdin, env: {}, onInterrupt: () => () => {}, exitNow: () => {} };
  const program = buildProgram(io, () => {});
  for (const entry of commands) {
    let command: Command | undefined = program;
    for (const name of entry.path) command = command?.commands.find((c) => c.name() === name);
    if (command) declare(command, (await entry.load()).default, io, () => {});
  }
  const { completionTree } = await import("./lib/completion.js");
  return completionTree(program, (declared) => completionValues.get(declared));
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function readGlobals(command: Command): GlobalOptions {
  const all = command.optsWithGlobals() as Partial<GlobalOptions> & { cliReadTimeout?: number; cliConnectTimeout?: number };
  return {
    region: all.region,
    profile: all.profile,
    endpointUrl: all.endpointUrl,
    output: OUTPUT_FORMATS.includes(all.output as never) ? all.output! : "text",
    color: all.color !== false,
    quiet: Boolean(all.quiet),
    debug: Boolean(all.debug),
    query: all.query,
    readTimeout: all.cliReadTimeout,
    connectTimeout: all.cliConnectTimeout,
  };
}

/**
 * The CLI as a function: argv without the node and script paths, the process as `io`; returns
 * the exit code. Tests call it in-process; `bin/awsblog.js` calls it and exits.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram(io, (exit) => (code = exit));
  const badTopic = unknownHelpTopic(argv, [...groups, ...commands].map((entry) => entry.path).concat([["help"]]));
  if (badTopic) {
    reportError(badTopic, createOutput({ format: "text", quiet: false, color: false, debug: false, stdout: io.stdout, stderr: io.stderr, env: io.env }));
    return ExitCode.usage;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; a group run without its subcommand (help on stderr) and
      // every other commander error is bad usage.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const debug = argv.includes("--debug");
    reportError(error, createOutput({ format: "text", quiet: false, color: false, debug, stdout: io.stdout, stderr: io.stderr, env: io.env }));
    return exitCodeOf(error);
  }
  return code;
}

export type { Io } from "./lib/context.js";
