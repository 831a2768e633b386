import { describe, expect, it } from "vitest";
import { commands } from "../../../src/commands/index.js";
import { awsblog } from "../../helpers/in-process.js";

/**
 * The declaration API does what help text and hand-written checks used to: `required(…)`
 * options and `<arg>` arguments are enforced by the framework (one usage line, exit 2, before
 * the handler), --help marks them, and a handler gets its arguments typed and parsed.
 */
describe("declared required options and arguments", () => {
  it("no option description writes '(required)' by hand; --help shows it for every required(…) option", async () => {
    for (const entry of commands) {
      const spec = (await entry.load()).default;
      for (const option of Object.values(spec.options)) {
        expect(option.description, `${entry.path.join(" ")} ${option.flags}`).not.toMatch(/\(required/);
      }
      const required = Object.values(spec.options).filter((option) => option.required);
      if (required.length === 0) continue;
      const help = await awsblog([...entry.path, "--help"]);
      for (const option of required) {
        // The option's entry, with the lines --help wrapped its description onto.
        const entryText = new RegExp(`^ +${option.flags.replace(/[[\]]/g, "\\$&")} .*(?:\\n {6,}\\S.*)*`, "m").exec(help.stdout)?.[0];
        expect(entryText, `${entry.path.join(" ")} ${option.flags}`).toMatch(/\(required\)/);
      }
    }
  });

  it.each([
    [["dlq", "redrive"], "awsblog: --queue-url is required — pass the queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/my-dlq\n"],
    [["approval", "start"], "awsblog: --state-machine-arn is required — pass --state-machine-arn arn:aws:states:<region>:<account>:stateMachine:<name>\n"],
    [["approval", "worker", "--activity-arn", "arn:aws:states:us-east-1:123456789012:activity:a"], "awsblog: --base-url is required — pass where `awsblog approval serve` (or your API) answers\n"],
    [["deploy", "--zip", "f.zip"], "awsblog: --function-name is required — pass the function's name or ARN\n"],
    [["package", "go", "--entry", "app"], "awsblog: --out is required — pass where to write the zip, e.g. --out function.zip\n"],
    [["package", "php", "--entry", "a.php", "--out", "a.zip"], "awsblog: --runtime-dir is required — Lambda's Node.js runtime has no php: pass the folder holding your compiled bin/php\n"],
    [["tags", "schedule", "--remove"], "awsblog: --name is required — pass the function and rule name, e.g. --name tag-policy\n"],
  ])("`awsblog %j` without a required option: one line, exit 2, nothing run", async (args, line) => {
    const calls: ReadonlyMap<string, number>[] = [];
    const run = await awsblog(args, { onCalls: (c) => calls.push(c) });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(line);
    expect(calls).toEqual([]); // the handler never ran
  });

  it("--help works without the required options", async () => {
    const run = await awsblog(["dlq", "redrive", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--queue-url <url>\s+the dead-letter queue to drain \(required\)/);
  });

  it("a missing or unparsable positional argument is one usage line (exit 2)", async () => {
    const missing = await awsblog(["pipeline", "status"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("awsblog: missing required argument 'pipeline' — see --help\n");
    const bad = await awsblog(["pipeline", "status", "has space"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('awsblog: <pipeline> "has space" is not a CodePipeline name — names are 1–100 letters, digits and . @ - _\n');
    const shell = await awsblog(["completion", "tcsh"]);
    expect(shell.code).toBe(2);
    expect(shell.stderr).toBe('awsblog: completion: unknown shell "tcsh" — pass one of: bash, zsh, fish\n');
  });
});
