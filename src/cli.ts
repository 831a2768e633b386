import { Command, CommanderError, Option } from "commander";
import { register as registerApproval } from "./commands/approval/register.js";
import { register as registerApprovals } from "./commands/approvals/register.js";
import { register as registerCognito } from "./commands/cognito/register.js";
import { register as registerDlq } from "./commands/dlq/register.js";
import { register as registerPackage } from "./commands/package/register.js";
import { register as registerTags } from "./commands/tags/register.js";
import { ExitCode, exitCodeOf, formatError } from "./lib/errors.js";
import { finish } from "./lib/run.js";
import { version } from "./lib/version.js";

/**
 * The whole command tree. Registration files only declare commands; each action imports its
 * implementation when it runs, so `--help` loads no AWS SDK client.
 */
export function buildProgram(): Command {
  const program = new Command("awsblog")
    .description("Run the AWS serverless blog workflows from the terminal: approvals, tag policy, Cognito, Lambda DLQs, packaging.")
    .version(version(), "-V, --version")
    .option("--region <region>", "AWS region (default: from AWS_REGION or your profile)")
    .option("--profile <profile>", "named profile from your AWS config files")
    .option("--endpoint-url <url>", "send every AWS call to this endpoint (e.g. a local emulator)")
    .addOption(new Option("-o, --output <format>", "result format").choices(["text", "json"]).default("text"))
    .option("--no-color", "disable colour (NO_COLOR also works)")
    .option("-q, --quiet", "print results only: no progress or informational messages")
    .option("--debug", "print stack traces and AWS request summaries (secrets redacted) to stderr")
    .showSuggestionAfterError()
    // Every subcommand's help also lists --region, --endpoint-url, -o … (they work everywhere).
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => write(`awsblog: ${message.replace(/^error:\s*/i, "").trim()} — see --help\n`),
    })
    .addHelpText(
      "after",
      `
Exit codes: 0 ok · 1 failure · 2 usage/input error · 3 findings · 4 partial failure · 130 interrupted

Examples:
  $ awsblog approve --token "$TASK_TOKEN"
  $ awsblog tags scan --policy rules.yaml --vpc vpc-0abc -o json
  $ awsblog dlq inspect --queue-url "$DLQ_URL" --function my-fn --logs
  $ awsblog package go --entry ./bin/app --out app.zip`,
    );

  registerApprovals(program);
  registerApproval(program);
  registerTags(program);
  registerCognito(program);
  registerDlq(program);
  registerPackage(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `awsblog … | head` closes the pipe early: that is the reader's choice, not our error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; a group run without its subcommand (help on stderr) and
      // every other commander error is bad usage.
      finish(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
      return;
    }
    process.stderr.write(`${formatError(error)}\n`);
    finish(exitCodeOf(error));
  }
}
