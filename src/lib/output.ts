import { spawnSync } from "node:child_process";
import { styleText } from "node:util";
import { compileQuery, toPlain } from "./query.js";
import { renderTable } from "./table.js";
import { sanitizeForTerminal, sanitizeKeepingStyle } from "./terminal.js";

/**
 * The one place that writes. Results go to stdout (text, JSON, YAML or a table, optionally
 * through a --query); logs, warnings, progress and debug lines go to stderr. Colour and
 * spinners only when stderr is a TTY, --quiet is off and the output is text.
 */
export type OutputFormat = "text" | "json" | "yaml" | "table";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "yaml", "table"];

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** A terminal's width; 0 for a pseudo-terminal opened without a size. */
  columns?: number;
}

export interface OutputOptions {
  format: OutputFormat;
  quiet: boolean;
  color: boolean;
  debug: boolean;
  stdout: OutputStream;
  stderr: OutputStream;
  env?: NodeJS.ProcessEnv;
  /** A JMESPath expression applied to the JSON form of every result (`--query`). */
  query?: string;
  /**
   * The host takes results as they are written (the CLI): `document()` may stream. Hosts that
   * want the whole result back as a value (the scheduled Lambda) leave it off.
   */
  streaming?: boolean;
}

/**
 * One `-o json` document written piece by piece, for results too big to hold (an org scan's
 * findings): plain fields, and list fields whose items are written as they come. The text is
 * exactly what `JSON.stringify(document, null, 2)` would print for the same key order.
 */
export interface DocumentWriter {
  /** A field with its whole value (ends a list being written). */
  field(name: string, value: unknown): void;
  /** Starts the list field `name` (ends a list being written); its items follow with item(). */
  list(name: string): void;
  item(value: unknown): void;
  /** Ends the document. The run's result() then prints nothing: the document is out. */
  close(): void;
}

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

/**
 * Progress of work running side by side (an org run's targets). On an interactive stderr: one
 * line per running item, redrawn in place, with finished items' lines printed above it.
 * Otherwise (not a TTY, -q, -o json) only the messages, as `info` lines.
 */
export interface ProgressBoard {
  /** Shows or updates the running item's line. */
  set(label: string, text: string): void;
  /** The item is finished: its line leaves the board and `message` (if any) is printed above it. */
  done(label: string, message: string | undefined): void;
  /** A message above the board. */
  info(message: string): void;
  /** Clears the board (call once, when the work is over). */
  close(): void;
}

type Style = (text: string) => string;

export interface Output {
  readonly format: OutputFormat;
  /** True when stderr is an interactive terminal we may decorate. */
  readonly interactive: boolean;
  /** Colours for stdout text; identity functions when colour is off. */
  readonly style: { bold: Style; dim: Style; red: Style; green: Style; yellow: Style };
  /**
   * Columns a text table may use: the terminal's width when stdout is one (COLUMNS, else 80,
   * when it reports none); undefined for a file or a pipe, where nothing is cut.
   */
  readonly width: number | undefined;
  /**
   * Loads what the chosen format needs (YAML, JMESPath) and checks --query: call before the
   * command runs, so a bad expression is a usage error before anything is done.
   */
  prepare(): Promise<void>;
  /** The command's result: one JSON document, YAML, a table, or the text rendering. */
  result(data: unknown, text?: string): void;
  /** One record of a streaming command: a JSON Line, or its text rendering. */
  line(data: unknown, text?: string): void;
  /**
   * The result as one JSON document written incrementally; undefined when the result must be
   * whole (text, YAML or table output, a --query, a host that is not streaming).
   */
  document(): DocumentWriter | undefined;
  info(message: string): void;
  warn(message: string): void;
  /** The one error line (`awsblog: … — …`); always shown, even with --quiet. */
  error(message: string): void;
  /** A CI runner's workflow command (`::group::…`, `::error title=…::…`) on stderr; shown even with --quiet. */
  annotate(command: string): void;
  debug(message: string | (() => string)): void;
  spinner(text: string): Spinner;
  board(): ProgressBoard;
}

const NO_SPINNER: Spinner = { update() {}, stop() {} };

export function createOutput(options: OutputOptions): Output {
  const env = options.env ?? process.env;
  // --query works on the JSON form: with the default text format it prints JSON, as the AWS CLI does.
  const format: OutputFormat = options.query && options.format === "text" ? "json" : options.format;
  const colorAllowed = options.color && !("NO_COLOR" in env && env.NO_COLOR !== "") && env.TERM !== "dumb";
  const interactive = Boolean(options.stderr.isTTY) && !options.quiet && format === "text" && colorAllowed;
  const stdoutColor = colorAllowed && Boolean(options.stdout.isTTY) && format === "text";
  const paint = (enabled: boolean, style: Parameters<typeof styleText>[0]): Style =>
    // We decide about colour ourselves (TTY, NO_COLOR, --no-color), so styleText must not re-check.
    enabled ? (text) => styleText(style, text, { validateStream: false }) : (text) => text;
  const err = (enabled: boolean, style: Parameters<typeof styleText>[0]) => paint(enabled, style);

  const width = terminalWidth(options.stdout, env);
  const warnings: string[] = [];
  let query: ((data: unknown) => unknown) | undefined;
  let yaml: ((data: unknown) => string) | undefined;
  const shaped = (data: unknown) => (query ? query(data) : data);
  const structured = (data: unknown, streaming: boolean): string => {
    const value = shaped(data);
    if (format === "json") return `${JSON.stringify(value ?? null, null, streaming ? undefined : 2)}\n`;
    const asYaml = () => (streaming ? "---\n" : "") + yaml!(value);
    if (format === "yaml") return asYaml();
    return renderTable(toPlain(value), width) ?? asYaml();
  };
  let streamed = false;
  const writeText = (text: string) => options.stdout.write(sanitizeKeepingStyle(text.endsWith("\n") ? text : `${text}\n`));

  return {
    format,
    interactive,
    width,
    style: {
      bold: paint(stdoutColor, "bold"),
      dim: paint(stdoutColor, "dim"),
      red: paint(stdoutColor, "red"),
      green: paint(stdoutColor, "green"),
      yellow: paint(stdoutColor, "yellow"),
    },
    async prepare() {
      if (options.query !== undefined) query = await compileQuery(options.query);
      if (format === "yaml" || format === "table") {
        const { stringify } = await import("yaml");
        yaml = (value) => stringify(toPlain(value) ?? null, { lineWidth: 0 });
      }
    },
    result(data, text) {
      if (streamed) return;
      if (format === "text" && (text === undefined || text === "")) return;
      const rendered = format === "text" ? sanitizeKeepingStyle(text!.endsWith("\n") ? text! : `${text}\n`) : structured(data, false);
      if ((format === "text" || format === "table") && page(rendered, options.stdout, env)) {
        // The pager's screen hid what was said before it opened: say it again below the result.
        for (const line of warnings) options.stderr.write(line);
        return;
      }
      options.stdout.write(rendered);
    },
    line(data, text) {
      if (format === "text" && text !== undefined) writeText(text);
      else if (format === "text") options.stdout.write(`${JSON.stringify(data)}\n`);
      else if (format === "table" && text !== undefined && !query) writeText(text);
      else options.stdout.write(structured(data, true));
    },
    document() {
      if (!options.streaming || format !== "json" || query !== undefined || options.query !== undefined) return undefined;
      return createDocumentWriter((chunk) => options.stdout.write(chunk), () => (streamed = true));
    },
    info(message) {
      if (!options.quiet) options.stderr.write(`${sanitizeKeepingStyle(message)}\n`);
    },
    warn(message) {
      const line = `${err(interactive, "yellow")("warning:")} ${sanitizeKeepingStyle(message)}\n`;
      warnings.push(line);
      options.stderr.write(line);
    },
    error(message) {
      options.stderr.write(`${sanitizeKeepingStyle(message)}\n`);
    },
    annotate(command) {
      options.stderr.write(`${sanitizeForTerminal(command, { oneLine: true })}\n`);
    },
    debug(message) {
      if (!options.debug) return;
      const text = typeof message === "function" ? message() : message;
      options.stderr.write(`${err(interactive, "dim")(`[debug] ${sanitizeKeepingStyle(text)}`)}\n`);
    },
    spinner(text) {
      // A terminal that reports 0 columns (a pty opened without a size) sends ora into an
      // endless loop of line clearing: no spinner there. Nor under CI, judged by the run's own
      // env map (ora would look at process.env instead; it is told the decision is made).
      if (!interactive || options.stderr.columns === 0 || "CI" in env) return NO_SPINNER;
      return createSpinner(text, options.stderr);
    },
    board() {
      const info = (message: string) => {
        if (!options.quiet) options.stderr.write(`${sanitizeKeepingStyle(message)}\n`);
      };
      return interactive ? createBoard(options.stderr) : { set() {}, done: (_label, message) => message !== undefined && info(message), info, close() {} };
    },
  };
}

function createDocumentWriter(write: (chunk: string) => unknown, closed: () => void): DocumentWriter {
  const nested = (value: unknown, depth: number) => (JSON.stringify(value ?? null, null, 2) ?? "null").replace(/\n/g, `\n${" ".repeat(depth)}`);
  let fields = 0;
  let items = -1; // -1: no list open
  let done = false;
  const next = () => {
    if (done) throw new Error("the JSON document is already closed");
    if (items >= 0) write(items ? "\n  ]" : "]");
    items = -1;
    write(fields++ ? ",\n  " : "{\n  ");
  };
  return {
    field(name, value) {
      next();
      write(`${JSON.stringify(name)}: ${nested(value, 2)}`);
    },
    list(name) {
      next();
      write(`${JSON.stringify(name)}: [`);
      items = 0;
    },
    item(value) {
      if (items < 0 || done) throw new Error("item() outside a list");
      write(`${items++ ? "," : ""}\n    ${nested(value, 4)}`);
    },
    close() {
      if (done) return;
      if (items >= 0) write(items ? "\n  ]" : "]");
      write(fields ? "\n}\n" : "{}\n");
      done = true;
      closed();
    },
  };
}

/** The interactive board: the running lines at the bottom of stderr, redrawn in place. */
function createBoard(stream: OutputStream): ProgressBoard {
  const lines = new Map<string, string>();
  let drawn = 0;
  const up = () => (drawn ? `\x1b[${drawn}A` : "");
  const draw = () => {
    let text = up();
    for (const [label, status] of lines) text += `\x1b[2K${sanitizeKeepingStyle(`${label}  ${status}`)}\n`;
    text += "\x1b[J";
    drawn = lines.size;
    stream.write(text);
  };
  // Clear the board, print the message, redraw the board below it.
  const above = (message: string) => {
    stream.write(`${up()}\x1b[J${sanitizeKeepingStyle(message)}\n`);
    drawn = 0;
    draw();
  };
  return {
    set(label, text) {
      lines.set(label, text);
      draw();
    },
    done(label, message) {
      lines.delete(label);
      if (message !== undefined) above(message);
      else draw();
    },
    info: above,
    close() {
      if (drawn) stream.write(`${up()}\x1b[J`);
      drawn = 0;
      lines.clear();
    },
  };
}

/** The width of stdout when it is a terminal; undefined otherwise. */
export function terminalWidth(stdout: OutputStream, env: NodeJS.ProcessEnv): number | undefined {
  if (!stdout.isTTY) return undefined;
  if (stdout.columns && stdout.columns > 0) return stdout.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
}

/**
 * Long text on a terminal goes through a pager: AWSBLOG_PAGER, else PAGER, else `less -FRX`
 * (quits at once when the text fits on one screen). Never when stdout is not the process's
 * own terminal, or the pager is set to "" or "cat". Returns true when the pager showed it;
 * warnings printed before are then repeated after it (the pager's screen covered them).
 */
function page(text: string, stdout: OutputStream, env: NodeJS.ProcessEnv): boolean {
  const terminal = stdout as OutputStream & { fd?: number; rows?: number };
  if (!terminal.isTTY || typeof terminal.fd !== "number") return false;
  const command = (env.AWSBLOG_PAGER ?? env.PAGER ?? "less -FRX").trim();
  if (command === "" || command === "cat") return false;
  const lines = text.split("\n").length - 1;
  // A terminal with no size set reports 0 rows: treat that as unknown, not as "everything is long".
  if (lines < (terminal.rows || 24)) return false;
  const run = spawnSync(command, {
    shell: true,
    input: text,
    stdio: ["pipe", "inherit", "inherit"],
    // less needs to know we already send colour codes (-R is in the default command), and
    // that the text is UTF-8 even with no locale set (else "—" shows as <E2><80><94>).
    env: { LESS: "FRX", ...env, LESSCHARSET: env.LESSCHARSET || "utf-8" },
  });
  // A pager that could not start leaves the text to us.
  return !run.error && run.status !== 127;
}

/**
 * ora, loaded only when a terminal will show it. `discardStdin: false`: ora would otherwise put
 * stdin in raw mode, and a raw terminal turns Ctrl-C into a plain byte instead of SIGINT.
 * `hideCursor: false`: a hidden cursor must be shown again on every way out (second Ctrl-C,
 * crash); not hiding it means there is nothing to restore.
 */
function createSpinner(text: string, stream: OutputStream): Spinner {
  let stopped = false;
  let current = text;
  let instance: { text: string; stop(): void } | undefined;
  void import("ora").then(({ default: ora }) => {
    if (stopped) return;
    instance = ora({ text: current, stream: stream as NodeJS.WritableStream, isEnabled: true, discardStdin: false, hideCursor: false }).start();
  });
  return {
    update(next) {
      current = next;
      if (instance) instance.text = next;
    },
    stop() {
      stopped = true;
      instance?.stop();
    },
  };
}
