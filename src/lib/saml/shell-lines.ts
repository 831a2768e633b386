import { UsageError } from "../errors.js";

/**
 * Lines a shell evaluates to set and unset environment variables, each value quoted so that
 * nothing in it is ever expanded or run: `eval "$(awsblog saml env …)"`.
 */
export const SHELLS = ["sh", "bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

/** POSIX single quotes: nothing inside is special; a quote is closed, escaped and reopened. */
export function quoteSh(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** fish single quotes: only \\ and \' are escapes inside them. */
export function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** PowerShell single quotes: a quote is doubled; the typographic single quotes count as quotes too. */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (c) => c + c)}'`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function shellLines(shell: Shell, variables: { set: Record<string, string>; unset: string[] }): string[] {
  for (const name of [...Object.keys(variables.set), ...variables.unset]) {
    if (!NAME.test(name)) throw new Error(`not a variable name: ${name}`);
  }
  for (const [name, value] of Object.entries(variables.set)) {
    // A NUL cannot be in any environment; other control characters have no business in keys.
    if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw new UsageError(`the value of ${name} holds control characters`, "log in again to rewrite the profile");
  }
  const set = Object.entries(variables.set);
  switch (shell) {
    case "sh":
    case "bash":
    case "zsh":
      return [...variables.unset.map((n) => `unset ${n}`), ...set.map(([n, v]) => `export ${n}=${quoteSh(v)}`)];
    case "fish":
      return [...variables.unset.map((n) => `set -e ${n}`), ...set.map(([n, v]) => `set -gx ${n} ${quoteFish(v)}`)];
    case "powershell":
      return [...variables.unset.map((n) => `Remove-Item -ErrorAction SilentlyContinue Env:${n}`), ...set.map(([n, v]) => `$Env:${n} = ${quotePowerShell(v)}`)];
  }
}

/** $SHELL's name when it is one we know (fish), else sh — the lines bash and zsh read too. */
export function defaultShell(env: NodeJS.ProcessEnv): Shell {
  const name = (env.SHELL ?? "").split("/").pop() ?? "";
  if (name === "fish") return "fish";
  if (name === "pwsh" || name === "powershell") return "powershell";
  return (SHELLS as readonly string[]).includes(name) ? (name as Shell) : "sh";
}
