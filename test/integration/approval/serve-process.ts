import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { BIN, testEnv } from "../../helpers/cli.js";

/** `awsblog approval serve` as a long-running child process on a free port. */
export interface ServeProcess {
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServe(endpointUrl: string, extraArgs: string[] = []): Promise<ServeProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [BIN, "approval", "serve", "--port", "0", "--endpoint-url", endpointUrl, "-o", "json", ...extraArgs],
    { env: testEnv(), stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 15_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const first = stdout.split("\n")[0];
      if (stdout.includes("\n") && first) {
        clearTimeout(timer);
        resolve((JSON.parse(first) as { url: string }).url);
      }
    });
    child.once("exit", () => reject(new Error(`serve exited early:\n${stderr}`)));
  });
  return {
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal = "SIGINT") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
