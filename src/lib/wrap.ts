/**
 * `--help` text wrapped to the terminal's width (80 when stdout is not a terminal): prose
 * breaks at spaces, continuation lines keep the line's indent (two more under a "- " item or
 * a short "Label: "), a long JSON shape breaks after a comma;
 * an example command breaks between arguments with a trailing ` \` so it still pastes into a
 * shell. A single word longer than the width (a URL) is left whole rather than broken.
 */
export function wrapHelp(text: string, width: number): string {
  return reflow(text.split("\n"))
    .flatMap((line) => ([...line].length <= width ? [line] : /^\s*\$ /.test(line) ? wrapCommand(line, width) : wrapProse(line, width)))
    .join("\n");
}

/**
 * Help texts written pre-wrapped (a sentence continued on the next line, which starts in lower
 * case, "(", "{" or a quote) become one line again, so they wrap at this terminal's width.
 */
function reflow(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const previous = out[out.length - 1];
    if (previous !== undefined && /^[^\s$-]/.test(previous) && /^[a-z({"]/.test(line)) out[out.length - 1] = `${previous} ${line}`;
    else out.push(line);
  }
  return out;
}

function wrapProse(line: string, width: number): string[] {
  const indent = /^\s*/.exec(line)![0];
  const hanging = indent + (/^\s*- /.test(line) ? "  " : /^[A-Za-z][\w -]{0,11}: /.test(line) ? "  " : "");
  const room = Math.max(20, width - hanging.length);
  // Pieces of one long word are glued back without a space when they share a line.
  const words = line
    .slice(indent.length)
    .split(/ +/)
    .flatMap((word) => ([...word].length > room ? splitAfterCommas(word) : [word]).map((text, i) => ({ text, glued: i > 0 })));
  const lines: string[] = [];
  let current = indent;
  for (const { text, glued } of words) {
    const start = lines.length === 0 ? indent : hanging;
    const separator = current.length > start.length && !glued ? " " : "";
    if (current.length > start.length && [...current].length + separator.length + [...text].length > width) {
      lines.push(current);
      current = hanging + text;
    } else current += separator + text;
  }
  lines.push(current);
  return lines;
}

/** A long JSON shape or list breaks after its commas; the pieces are glued back where they fit. */
function splitAfterCommas(word: string): string[] {
  return word.split(/(?<=,)/);
}

/** Breaks a `  $ awsblog …` line between arguments (never inside quotes) with ` \`. */
function wrapCommand(line: string, width: number): string[] {
  const indent = /^\s*\$ /.exec(line)![0];
  const args = line.slice(indent.length).match(/(?:[^\s'"]+|'[^']*'|"(?:\\.|[^"\\])*")+/g) ?? [];
  const continuation = `${" ".repeat(indent.length)}  `;
  const lines: string[] = [];
  let current = indent;
  for (const arg of args) {
    const start = lines.length === 0 ? indent : continuation;
    // Room for " \" at the end of every line but the last.
    if (current.length > start.length && [...current].length + 1 + [...arg].length + 2 > width) {
      lines.push(`${current} \\`);
      current = continuation + arg;
    } else current += current.length > start.length ? ` ${arg}` : arg;
  }
  lines.push(current);
  return lines;
}
