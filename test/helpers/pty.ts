import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BIN, testEnv } from "./cli.js";

/**
 * The built CLI on a real pseudo-terminal (python3's pty module, in ./terminal-driver.py): for
 * what only a terminal shows — prompts without echo, spinners, the pager, Ctrl-C typed as a key
 * while a spinner holds stdin. Needs `npm run build`. Runs asynchronously, so doubles serving from
 * this process keep answering while the command runs.
 */
export interface TerminalStep {
  /** Text to wait for on the screen. */
  after: string;
  /** What to type then: "secret\r", "\x03" (Ctrl-C). */
  keys: string;
  /** Seconds to wait between seeing the text and typing (a prompt turning echo off). */
  pause?: number;
}

export interface TerminalOptions {
  env?: Record<string, string | undefined>;
  steps?: TerminalStep[];
  /** Seconds for the whole run; the command is killed after it (code null). */
  timeout?: number;
  rows?: number;
  cols?: number;
}

export interface TerminalRun {
  /** Everything the terminal showed (stdout and stderr, escape sequences included). */
  output: string;
  /** Exit code, or null when the command was still running at the timeout and was killed. */
  code: number | null;
  /** How many steps' texts appeared (and had their keys typed). */
  seen: number;
  /** Seconds from the last keys typed (or the start) to the command's exit. */
  seconds: number;
}

const DRIVER = fileURLToPath(new URL("./terminal-driver.py", import.meta.url));

export const havePython = spawnSync("python3", ["--version"], { stdio: "ignore" }).status === 0;

/** Runs `awsblog <args>` (the built bin/awsblog.js) on a pseudo-terminal of rows × cols. */
export function onTerminal(args: string[], options: TerminalOptions = {}): Promise<TerminalRun> {
  return runOnTerminal([process.execPath, BIN, ...args], options);
}

/**
 * Runs any program on the pseudo-terminal (it is the controlling terminal, /dev/tty), e.g.
 * `sh -c "awsblog … </dev/null >out"` for a command whose own streams are not the terminal.
 */
export function runOnTerminal(argv: string[], options: TerminalOptions = {}): Promise<TerminalRun> {
  const spec = {
    argv,
    env: testEnv({ TERM: "xterm-256color", ...options.env }),
    steps: options.steps ?? [],
    timeout: options.timeout ?? 20,
    rows: options.rows ?? 24,
    cols: options.cols ?? 100,
  };
  return new Promise((resolve, reject) =>
    execFile("python3", [DRIVER, JSON.stringify(spec)], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as TerminalRun),
    ),
  );
}
