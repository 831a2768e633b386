import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";

/** `awsblog completion <shell>`, generated from the command tree, exercised in a real bash. */
let script: string;
const dir = mkdtempSync(join(tmpdir(), "awsblog-completion-"));

beforeAll(async () => {
  const run = await awsblog(["completion", "bash"]);
  expect(run.code).toBe(0);
  script = run.stdout;
  writeFileSync(join(dir, "awsblog.bash"), script);
});

/** What bash offers after typing `words` (the last one being completed). */
function complete(...words: string[]): string[] {
  const program = `source ${JSON.stringify(join(dir, "awsblog.bash"))}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _awsblog
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["-c", program], { encoding: "utf8", cwd: dir }).split("\n").filter(Boolean);
}

describe("awsblog completion", () => {
  it("bash: top-level commands and global options", () => {
    const top = complete("awsblog", "");
    for (const name of ["approve", "approval", "dlq", "tags", "cognito", "package", "completion", "--region", "--query", "--cli-read-timeout"]) {
      expect(top).toContain(name);
    }
    expect(complete("awsblog", "dl")).toEqual(["dlq"]);
  });

  it("bash: a group's subcommands, a command's own options (manifest commands included), global flags after it", () => {
    expect(complete("awsblog", "dlq", "")).toEqual(expect.arrayContaining(["inspect", "redrive", "configure"]));
    expect(complete("awsblog", "dlq", "inspect", "--q")).toEqual(["--queue-url", "--query", "--quiet"]);
    // approval serve is declared lazily through the manifest: its options still complete
    expect(complete("awsblog", "--region", "eu-west-1", "approval", "serve", "--p")).toEqual(["--port", "--public-url", "--profile"]);
  });

  it("bash: the choices of an option, files for other values", () => {
    expect(complete("awsblog", "-o", "")).toEqual(["text", "json", "yaml", "table"]);
    expect(complete("awsblog", "tags", "enforce", "--untagged", "")).toEqual(["report", "tag", "stop", "terminate"]);
    writeFileSync(join(dir, "rules.yaml"), "[]");
    expect(complete("awsblog", "tags", "scan", "--policy", "rul")).toEqual(["rules.yaml"]);
  });

  it("bash: values for options whose handler checks a closed list, and for `completion <shell>`, not files", () => {
    writeFileSync(join(dir, "timeout-notes.txt"), "");
    expect(complete("awsblog", "dlq", "redrive", "--class", "")).toEqual(["timeout", "crash", "misconfig", "handler-error", "unknown"]);
    expect(complete("awsblog", "dlq", "redrive", "--class", "ti")).toEqual(["timeout"]);
    expect(complete("awsblog", "cognito", "login", "--print", "")).toEqual(["id", "access", "refresh"]);
    expect(complete("awsblog", "cognito", "login", "--flow", "")).toEqual(["srp", "password"]);
    expect(complete("awsblog", "cognito", "token", "--print", "")).toEqual(["id", "access"]);
    expect(complete("awsblog", "completion", "")).toEqual(expect.arrayContaining(["bash", "zsh", "fish"]));
    expect(complete("awsblog", "completion", "f")).toEqual(["fish"]);
  });

  it("every declared option with choices or completion values offers exactly them", async () => {
    const { commands } = await import("../../../src/commands/index.js");
    let checked = 0;
    for (const entry of commands) {
      const spec = (await entry.load()).default;
      for (const option of Object.values(spec.options)) {
        const listed = option.choices ?? option.values;
        if (!listed) continue;
        const long = /--[\w-]+/.exec(option.flags)![0];
        expect(complete("awsblog", ...entry.path, long, ""), `${entry.path.join(" ")} ${long}`).toEqual([...listed]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it("zsh reuses the bash function through bashcompinit; fish gets complete lines per command path", async () => {
    const zsh = await awsblog(["completion", "zsh"]);
    expect(zsh.stdout).toMatch(/^#compdef awsblog\nautoload -U \+X bashcompinit && bashcompinit\n/);
    const fish = await awsblog(["completion", "fish"]);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain("complete -c awsblog -n 'test (__awsblog_path) = '\\''dlq inspect'\\''' -l queue-url -r -F");
    expect(fish.stdout).toContain("-l output -x -a 'text json yaml table'");
    expect(fish.stdout).toContain("-l class -x -a 'timeout crash misconfig handler-error unknown'");
    expect(fish.stdout).toContain(`complete -c awsblog -n 'test (__awsblog_path) = '\\''completion'\\''' -a 'bash zsh fish'`);
  });

  it("an unknown or missing shell is a usage error (exit 2)", async () => {
    const run = await awsblog(["completion", "powershell"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('awsblog: completion: unknown shell "powershell" — pass one of: bash, zsh, fish\n');
    expect((await awsblog(["completion"])).code).toBe(2);
  });
});
