import { openSync } from "node:fs";
import { ReadStream, WriteStream } from "node:tty";
import type { TtyInput } from "../cognito/tty-prompt.js";
import type { Context } from "../context.js";

/**
 * Where to ask the user something. Normally stdin/stderr when stdin is a terminal. Run as a
 * `credential_process`, the SDK captures stdout and stderr and stdin is not the terminal, so
 * prompts go to the controlling terminal (/dev/tty) instead — never to stdout.
 */
export interface Terminal {
  input: TtyInput;
  output: { write(chunk: string): unknown };
  close(): void;
}

export function openTerminal(ctx: Pick<Context, "stdin" | "stderr">, useControllingTerminal: boolean): Terminal | undefined {
  if (ctx.stdin.isTTY) return { input: ctx.stdin, output: ctx.stderr, close() {} };
  if (!useControllingTerminal) return undefined;
  let readFd: number | undefined;
  try {
    readFd = openSync("/dev/tty", "r");
    const writeFd = openSync("/dev/tty", "w");
    const input = new ReadStream(readFd);
    const output = new WriteStream(writeFd);
    return {
      input,
      // No echo before a prompt is even shown: keystrokes typed ahead of it stay hidden.
      output: {
        write(chunk: string) {
          input.setRawMode(true);
          return output.write(chunk);
        },
      },
      close() {
        input.setRawMode(false);
        input.destroy();
        output.destroy();
      },
    };
  } catch {
    return undefined; // no controlling terminal (CI, cron): callers say how to pass the value instead
  }
}
