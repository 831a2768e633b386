import type { Command } from "commander";
import { UsageError } from "./errors.js";
import { capLongRuns, sanitizeForTerminal } from "./terminal.js";

/**
 * Usage plumbing shared by the commander program: one-line commander errors, the global
 * flags' parsers, and a one-line error for a group run without (or with an unknown)
 * subcommand instead of its whole help on stderr.
 */

/** Commander's message ("error: unknown command 'x'\n(Did you mean y?)") as one error line. */
export function commanderErrorLine(message: string): string {
  const text = capLongRuns(sanitizeForTerminal(message))
    .replace(/^error:\s*/i, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
  return `awsblog: ${text} — see --help\n`;
}

/** `--endpoint-url`: an absolute http(s) URL, or a usage error before any AWS call. */
export function endpointUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) {
    throw new UsageError(`--endpoint-url ${JSON.stringify(value)} is not an http(s) URL`, "pass e.g. --endpoint-url http://127.0.0.1:5000 or https://sqs.eu-west-1.amazonaws.com");
  }
  return value;
}

/** `--cli-read-timeout` / `--cli-connect-timeout`: seconds ≥ 0 (0 = no limit), like the AWS CLI. */
export function seconds(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(n) || n > 86_400) {
      throw new UsageError(`${flag} must be a number of seconds from 0 to 86400, got ${JSON.stringify(value)}`, `e.g. ${flag} 30 (0 = no limit)`);
    }
    return n;
  };
}

/**
 * Gives every command that only groups subcommands (`awsblog dlq`) an action, so that running
 * it bare or with an unknown subcommand is one usage line (exit 2) rather than the group's
 * help on stderr. `awsblog dlq --help` and `awsblog help dlq` still show the help.
 */
export function requireSubcommands(command: Command, path: string[] = []): void {
  for (const sub of command.commands) {
    const subPath = [...path, sub.name()];
    if (sub.commands.length > 0 && !(sub as unknown as { _actionHandler?: unknown })._actionHandler) {
      sub.allowExcessArguments().action((...argv: unknown[]) => {
        const names = sub.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => c.name());
        const given = (argv[argv.length - 1] as Command).args[0];
        const group = subPath.join(" ");
        if (given === undefined) {
          throw new UsageError(`"${group}" needs a subcommand: ${names.join(", ")}`, `see awsblog ${group} --help`);
        }
        const close = names.find((name) => distance(name, given) <= Math.max(1, Math.floor(name.length / 3)));
        throw new UsageError(`unknown command ${JSON.stringify(given)} for "${group}"${close ? ` (did you mean ${close}?)` : ""}`, `pick one of: ${names.join(", ")}`);
      });
    }
    requireSubcommands(sub, subPath);
  }
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * `awsblog help <topic…>` for a topic that is no command: commander would print the whole
 * program help on stderr. Returns the one-line error instead (undefined when the topic exists
 * or `help` was not asked for). `known` lists every command and group path.
 */
export function unknownHelpTopic(argv: string[], known: readonly (readonly string[])[]): UsageError | undefined {
  if (argv[0] !== "help") return undefined;
  const words = argv.slice(1).filter((word) => !word.startsWith("-"));
  for (let depth = 1; depth <= words.length; depth++) {
    const prefix = words.slice(0, depth);
    if (known.some((path) => prefix.every((word, i) => path[i] === word))) continue;
    const here = known.filter((path) => path.length === depth && prefix.slice(0, -1).every((word, i) => path[i] === word)).map((path) => path[depth - 1]!);
    const given = prefix[depth - 1]!;
    const close = here.find((name) => distance(name, given) <= Math.max(1, Math.floor(name.length / 3)));
    const shown = JSON.stringify(capLongRuns(sanitizeForTerminal(given)).slice(0, 80));
    return new UsageError(`unknown command ${shown}${close ? ` (did you mean ${close}?)` : ""}`, `see awsblog ${prefix.slice(0, -1).concat("--help").join(" ")}`);
  }
  return undefined;
}

/** `--region`: a region name (letters, digits, dashes), or a usage error before any AWS call. */
export function region(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/i.test(value)) {
    const shown = JSON.stringify(capLongRuns(sanitizeForTerminal(value)).slice(0, 80));
    throw new UsageError(`--region ${shown} is not a region name`, "pass e.g. --region us-east-1 (or set AWS_REGION)");
  }
  return value;
}
