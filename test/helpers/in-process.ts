import { clearLine, cursorTo, moveCursor } from "node:readline";
import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli.js";
import type { Io } from "../../src/lib/context.js";
import type { Services } from "../../src/lib/services.js";
import { testEnv, type CliRun } from "./cli.js";

/**
 * Runs the real CLI in this process, as wrangler's runWrangler does: argv through commander,
 * the command's handler, the output layer, the exit code — with captured streams, a clean
 * environment, optional fake services and a pinned clock. Use `runCli` (a child process)
 * only where the process itself is under test: signals, the packaged wrapper, a browser;
 * `onTerminal` (./pty.ts) for a real pseudo-terminal. See test/README.md.
 */
export interface InProcessOptions {
  env?: Record<string, string | undefined>;
  input?: string | Readable;
  /** Pretend stdout/stderr/stdin are terminals (colour, spinners, prompts). */
  tty?: boolean;
  /** The pretend terminal's width (default 100). */
  columns?: number;
  services?: Partial<Services>;
  now?: () => Date;
  /** Lets the test press Ctrl-C: call `interrupt()` while the command runs. */
  interrupts?: Interrupts;
  /** Receives the AWS calls the command made, keyed `Service.Operation`. */
  onCalls?: (calls: ReadonlyMap<string, number>) => void;
  /** Sees stdout as it is written (long-running commands such as `approval serve`). */
  onStdout?: (text: string) => void;
  /** Sees stderr as it is written (progress on a terminal, with `tty: true`). */
  onStderr?: (text: string) => void;
}

export interface Interrupts {
  /** Sends one Ctrl-C to the running command. */
  interrupt(): void;
  /** Resolves once the command listens for Ctrl-C (it is running). */
  readonly listening: Promise<void>;
}

export interface InProcessRun extends Omit<CliRun, "code"> {
  code: number;
  /** True when a second Ctrl-C asked to leave at once. */
  exitedEarly: boolean;
}

export function interrupts(): Interrupts & { attach(handler: () => void): () => void } {
  const handlers = new Set<() => void>();
  let ready!: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  return {
    listening,
    interrupt: () => handlers.forEach((handler) => handler()),
    attach(handler) {
      handlers.add(handler);
      ready();
      return () => handlers.delete(handler);
    },
  };
}

export async function awsblog(args: string[], options: InProcessOptions = {}): Promise<InProcessRun> {
  let stdout = "";
  let stderr = "";
  const capture = (sink: (text: string) => void) => {
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => sink(chunk.toString()));
    // A pretend terminal also moves the cursor as a tty.WriteStream does (spinners redraw with it).
    const terminal = {
      cursorTo: (x: number, y?: number, done?: () => void) => cursorTo(stream, x, y, done),
      moveCursor: (dx: number, dy: number, done?: () => void) => moveCursor(stream, dx, dy, done),
      clearLine: (dir: -1 | 0 | 1, done?: () => void) => clearLine(stream, dir, done),
    };
    return Object.assign(stream, { isTTY: options.tty ?? false, columns: options.columns ?? 100 }, options.tty ? terminal : {});
  };
  const out = capture((text) => {
    stdout += text;
    options.onStdout?.(text);
  });
  const err = capture((text) => {
    stderr += text;
    options.onStderr?.(text);
  });
  const stdin = typeof options.input === "object" ? options.input : Readable.from([options.input ?? ""]);
  Object.assign(stdin, { isTTY: options.tty ?? false });
  const env = testEnv(options.env);
  let exitedEarly = false;
  const signals = (options.interrupts as ReturnType<typeof interrupts> | undefined) ?? interrupts();
  const io: Io = {
    stdout: out,
    stderr: err,
    stdin,
    env,
    onInterrupt: (handler) => signals.attach(handler),
    exitNow: () => {
      exitedEarly = true;
    },
    now: options.now,
    services: options.services,
    onCalls: options.onCalls,
  };
  // The run's env map reaches the AWS SDK as client configuration (src/lib/aws/environment.ts):
  // process.env is left alone, so runs with different profiles can share this process.
  const code = await main(args, io);
  await new Promise((resolve) => setImmediate(resolve)); // let captured streams flush
  return {
    code,
    signal: null,
    stdout,
    stderr,
    exitedEarly,
    json<T>() {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`stdout is not JSON:\n${stdout}\nstderr:\n${stderr}`);
      }
    },
  };
}
