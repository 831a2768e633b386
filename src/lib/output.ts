import { styleText } from "node:util";

/**
 * The one place that writes. Results go to stdout (text or JSON); logs, warnings, progress and
 * debug lines go to stderr. Colour and spinners only when stderr is a TTY and neither --quiet
 * nor --output json is set.
 */
export type OutputFormat = "text" | "json";

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface OutputOptions {
  format: OutputFormat;
  quiet: boolean;
  color: boolean;
  debug: boolean;
  stdout: OutputStream;
  stderr: OutputStream;
  env?: NodeJS.ProcessEnv;
}

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

type Style = (text: string) => string;

export interface Output {
  readonly format: OutputFormat;
  /** True when stderr is an interactive terminal we may decorate. */
  readonly interactive: boolean;
  /** Colours for stdout text; identity functions when colour is off. */
  readonly style: { bold: Style; dim: Style; red: Style; green: Style; yellow: Style };
  /** The command's result: one JSON document, or the text rendering. */
  result(data: unknown, text?: string): void;
  /** One record of a streaming command: a JSON Line, or its text rendering. */
  line(data: unknown, text?: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** The one error line (`awsblog: … — …`); always shown, even with --quiet. */
  error(message: string): void;
  debug(message: string | (() => string)): void;
  spinner(text: string): Spinner;
}

const NO_SPINNER: Spinner = { update() {}, stop() {} };

export function createOutput(options: OutputOptions): Output {
  const env = options.env ?? process.env;
  const colorAllowed = options.color && !("NO_COLOR" in env && env.NO_COLOR !== "") && env.TERM !== "dumb";
  const interactive = Boolean(options.stderr.isTTY) && !options.quiet && options.format !== "json" && colorAllowed;
  const stdoutColor = colorAllowed && Boolean(options.stdout.isTTY) && options.format === "text";
  const paint = (enabled: boolean, format: Parameters<typeof styleText>[0]): Style =>
    // We decide about colour ourselves (TTY, NO_COLOR, --no-color), so styleText must not re-check.
    enabled ? (text) => styleText(format, text, { validateStream: false }) : (text) => text;
  const err = (enabled: boolean, format: Parameters<typeof styleText>[0]) => paint(enabled, format);

  const toJson = (data: unknown, indent?: number) => JSON.stringify(data, null, indent);

  return {
    format: options.format,
    interactive,
    style: {
      bold: paint(stdoutColor, "bold"),
      dim: paint(stdoutColor, "dim"),
      red: paint(stdoutColor, "red"),
      green: paint(stdoutColor, "green"),
      yellow: paint(stdoutColor, "yellow"),
    },
    result(data, text) {
      if (options.format === "json") options.stdout.write(`${toJson(data, 2)}\n`);
      else if (text !== undefined && text !== "") options.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    line(data, text) {
      if (options.format === "json" || text === undefined) options.stdout.write(`${toJson(data)}\n`);
      else options.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    info(message) {
      if (!options.quiet) options.stderr.write(`${message}\n`);
    },
    warn(message) {
      options.stderr.write(`${err(interactive, "yellow")("warning:")} ${message}\n`);
    },
    error(message) {
      options.stderr.write(`${message}\n`);
    },
    debug(message) {
      if (!options.debug) return;
      const text = typeof message === "function" ? message() : message;
      options.stderr.write(`${err(interactive, "dim")(`[debug] ${text}`)}\n`);
    },
    spinner(text) {
      if (!interactive) return NO_SPINNER;
      return createSpinner(text, options.stderr);
    },
  };
}

/** ora, loaded only when a terminal will show it. */
function createSpinner(text: string, stream: OutputStream): Spinner {
  let stopped = false;
  let current = text;
  let instance: { text: string; stop(): void } | undefined;
  void import("ora").then(({ default: ora }) => {
    if (stopped) return;
    instance = ora({ text: current, stream: stream as NodeJS.WritableStream }).start();
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
