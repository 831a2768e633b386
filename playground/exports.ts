import { join } from "node:path";

export type Exports = Record<string, string>;

/** Single-quoted for sh (a `'` inside becomes `'\''`). */
export const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The lines a shell evaluates to use the playground: one `export NAME='value'` per variable,
 * then an `awsblog` alias to this checkout's CLI when none is on the PATH.
 */
export function exportLines(exports: Exports, checkout: string): string[] {
  const cli = join(checkout, "bin", "awsblog.js");
  return [
    ...Object.entries(exports).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    `command -v awsblog >/dev/null 2>&1 || alias awsblog=${shellQuote(`node ${shellQuote(cli)}`)}`,
  ];
}
