import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { createStepFunctionsApi, type StepFunctionsApi } from "../../../src/lib/aws/sfn.js";
import { awsblog, interrupts } from "../../helpers/in-process.js";

/** `awsblog approval serve` running in this process on a free port, until stop(). */
export interface ServeRun {
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Step Functions calls the server has made so far (invoked, whether or not they finished). */
  sfnCalls: () => string[];
  /** Presses Ctrl-C and resolves with the exit code. */
  stop(): Promise<number>;
}

export async function startServe(endpointUrl: string, extraArgs: string[] = []): Promise<ServeRun> {
  const calls: string[] = [];
  const real = await createStepFunctionsApi(createAwsClientFactory({ region: "us-east-1", endpointUrl, userAgent: { name: "awsblog", version: "test" } }));
  const recorded: StepFunctionsApi = {
    sendTaskSuccess: (...args) => (calls.push("SendTaskSuccess"), real.sendTaskSuccess(...args)),
    sendTaskFailure: (...args) => (calls.push("SendTaskFailure"), real.sendTaskFailure(...args)),
    sendTaskHeartbeat: (...args) => (calls.push("SendTaskHeartbeat"), real.sendTaskHeartbeat(...args)),
  };
  const ctrlC = interrupts();
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => (listening = resolve));
  let stdout = "";
  const run = awsblog(["approval", "serve", "--port", "0", "--endpoint-url", endpointUrl, "-o", "json", ...extraArgs], {
    interrupts: ctrlC,
    services: { sfn: async () => recorded },
    onStdout: (text) => {
      stdout += text;
      const first = stdout.split("\n")[0];
      if (stdout.includes("\n") && first) listening((JSON.parse(first) as { url: string }).url);
    },
  });
  const started = await Promise.race([url, run.then((r) => Promise.reject(new Error(`serve exited early (${r.code}):\n${r.stderr}`)))]);
  let stderr = "";
  return {
    url: started,
    stdout: () => stdout,
    stderr: () => stderr,
    sfnCalls: () => [...calls],
    async stop() {
      ctrlC.interrupt();
      const result = await run;
      stderr = result.stderr;
      return result.code;
    },
  };
}
