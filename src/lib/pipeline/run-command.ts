import { spawn } from "node:child_process";

/**
 * Runs a job's command without a shell, in its own process group (so a timeout or Ctrl-C ends
 * its children too), keeping the last stdout line and the tail of stderr for the report.
 */
export interface CommandOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  lastLine: string;
  stderrTail: string;
  spawnError?: string;
  timedOut: boolean;
  interrupted: boolean;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal: AbortSignal;
  /** The command's output, as it comes (the worker forwards it to stderr). */
  echo?(chunk: string): void;
  /** After SIGTERM, how long before SIGKILL. */
  graceMs?: number;
}

const KEEP = 16_384;

export function runJobCommand(command: string, args: string[], options: RunOptions): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let interrupted = false;
    let spawnError: string | undefined;
    const child = spawn(command, args, { env: options.env, stdio: ["ignore", "pipe", "pipe"], shell: false, detached: process.platform !== "win32" });

    const kill = (sig: NodeJS.Signals) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(process.platform === "win32" ? child.pid : -child.pid, sig);
      } catch {
        child.kill(sig);
      }
    };
    let forced: NodeJS.Timeout | undefined;
    const stop = () => {
      kill("SIGTERM");
      forced ??= setTimeout(() => kill("SIGKILL"), options.graceMs ?? 5_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });

    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout = (stdout + chunk).slice(-KEEP);
      options.echo?.(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-KEEP);
      options.echo?.(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      spawnError = error.code === "ENOENT" ? `command not found: ${command}` : `could not start ${command}: ${error.code ?? error.message}`;
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      clearTimeout(forced);
      options.signal.removeEventListener("abort", onAbort);
      const lines = stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      resolve({
        exitCode: spawnError ? 127 : code,
        signal: sig,
        lastLine: lines[lines.length - 1] ?? "",
        stderrTail: stderr,
        spawnError,
        timedOut,
        interrupted,
      });
    });
  });
}
