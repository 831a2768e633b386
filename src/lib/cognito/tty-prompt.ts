import { InterruptedError, UsageError } from "../errors.js";

/**
 * A line typed on the terminal, with or without echo. Hidden input puts the terminal in raw
 * mode and echoes nothing, so a password never appears on screen or in scrollback; visible
 * input (MFA codes) echoes what is typed. Generic: move to src/lib/ if other groups need it.
 */
export interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface PromptOptions {
  input: TtyInput;
  output: { write(chunk: string): unknown };
  hidden: boolean;
}

export function promptLine(question: string, { input, output, hidden }: PromptOptions): Promise<string> {
  if (!input.isTTY || typeof input.setRawMode !== "function") {
    return Promise.reject(new UsageError("cannot prompt: stdin is not a terminal", "pass the value with its flag or on stdin (see --help)"));
  }
  const setRawMode = input.setRawMode.bind(input);
  output.write(question);
  return new Promise((resolve, reject) => {
    let line = "";
    const finish = (error?: Error) => {
      input.removeListener("data", onData);
      setRawMode(false);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish();
        if (ch === "\u0003") return finish(new InterruptedError("interrupted at the prompt", "nothing more was sent; run the command again"));
        if (ch === "\u007f" || ch === "\b") {
          if (line.length > 0) {
            line = [...line].slice(0, -1).join("");
            if (!hidden) output.write("\b \b");
          }
          continue;
        }
        if (ch < " ") continue;
        line += ch;
        if (!hidden) output.write(ch);
      }
    };
    setRawMode(true);
    input.on("data", onData);
    input.resume();
  });
}
