import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { RuntimeApiServer, type LambdaErrorShape } from "./runtime-api.js";

/**
 * Runs an extracted provided.al2023 function as Lambda would, on this machine: starts
 * `bootstrap` with AWS_LAMBDA_RUNTIME_API pointing at a loopback Runtime API, serves it the
 * events one by one, and times its init and each invocation. Like Lambda, an invocation that
 * runs past the timeout, or a bootstrap that exits, costs the environment: its process group
 * is killed and the next event starts a fresh one (a new init).
 */
export interface BootstrapRunOptions {
  /** The extracted zip (LAMBDA_TASK_ROOT); `bootstrap` sits at its root. */
  dir: string;
  events: unknown[];
  timeoutMs: number;
  functionName: string;
  handler: string;
  architecture?: string;
  signal?: AbortSignal;
  /** The host environment: PATH, HOME, TMPDIR and AWS_REGION carry over, nothing else. */
  hostEnv?: NodeJS.ProcessEnv;
  /** Where the function's layers are extracted (Lambda: /opt), for a zip split by deploy --layer. */
  layerRoot?: string;
  /** Each line the bootstrap writes to stdout or stderr (Lambda sends them to CloudWatch Logs). */
  onLog?: (line: string) => void;
  now?: () => number;
  newId?: () => string;
}

export interface InitRecord {
  durationMs: number;
  error?: LambdaErrorShape;
}

export interface InvocationRecord {
  requestId: string;
  durationMs: number;
  /** The response, parsed when it is JSON. */
  result?: unknown;
  error?: LambdaErrorShape;
}

export interface BootstrapRun {
  inits: InitRecord[];
  invocations: InvocationRecord[];
}

/** Lambda gives a function's init phase 10 seconds, whatever its timeout. */
const INIT_TIMEOUT_MS = 10_000;

type Exit = { exited: true; code: number | null; signal: NodeJS.Signals | null; startError?: string };
interface Child {
  process: ChildProcess;
  exit: Promise<Exit>;
  /** Set once the process has exited (between invocations, a new environment is started). */
  gone: boolean;
}

export async function runBootstrap(options: BootstrapRunOptions): Promise<BootstrapRun> {
  const now = options.now ?? (() => performance.now());
  const newId = options.newId ?? randomUUID;
  const server = new RuntimeApiServer();
  const address = await server.listen();
  const run: BootstrapRun = { inits: [], invocations: [] };
  let child: Child | undefined;
  const kill = () => {
    if (child?.process.pid !== undefined) {
      try {
        process.kill(-child.process.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    child = undefined;
    server.dropPoll();
  };
  const onAbort = () => kill();
  options.signal?.addEventListener("abort", onAbort);
  try {
    for (const event of options.events) {
      if (options.signal?.aborted) break;
      // A bootstrap that served one event and exited gets a fresh environment, as on Lambda.
      if (child?.gone) kill();
      if (!child) {
        const started = now();
        child = start(options, address);
        const outcome = await Promise.race([
          server.nextRequested().then(() => "ready" as const),
          server.initFailed(),
          child.exit,
          timer(INIT_TIMEOUT_MS, options.signal).then(() => "timeout" as const),
        ]);
        const durationMs = round(now() - started);
        if (outcome !== "ready") {
          const error = outcome === "timeout" ? timedOut(INIT_TIMEOUT_MS, "init") : "exited" in outcome ? exitError(outcome) : outcome;
          run.inits.push({ durationMs, error });
          run.invocations.push({ requestId: newId(), durationMs: 0, error });
          kill();
          continue;
        }
        run.inits.push({ durationMs });
      }
      const requestId = newId();
      const started = now();
      const deadlineMs = Date.now() + options.timeoutMs;
      const reply = server.dispatch({
        requestId,
        body: JSON.stringify(event === undefined ? null : event),
        deadlineMs,
        functionArn: `arn:aws:lambda:local:000000000000:function:${options.functionName}`,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${newId().replace(/-/g, "").slice(0, 24)};Parent=${newId().replace(/-/g, "").slice(0, 16)};Sampled=0`,
      });
      const outcome = await Promise.race([reply, child.exit, timer(options.timeoutMs, options.signal).then(() => "timeout" as const)]);
      const durationMs = round(now() - started);
      if (outcome === "timeout" || "exited" in outcome) {
        server.abandon(requestId);
        run.invocations.push({ requestId, durationMs, error: outcome === "timeout" ? timedOut(options.timeoutMs, "invoke") : exitError(outcome) });
        kill();
        continue;
      }
      if (outcome.kind === "error") run.invocations.push({ requestId, durationMs, error: outcome.error });
      else run.invocations.push({ requestId, durationMs, result: parseResult(outcome.body) });
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    kill();
    await server.close();
  }
  return run;
}

function start(options: BootstrapRunOptions, address: string): Child {
  const host = options.hostEnv ?? {};
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(options.dir, "bin")}:${host.PATH ?? "/usr/local/bin:/usr/bin:/bin"}`,
    LD_LIBRARY_PATH: [join(options.dir, "lib"), host.LD_LIBRARY_PATH].filter(Boolean).join(":"),
    LANG: "C.UTF-8",
    TZ: ":UTC",
    HOME: host.HOME,
    TMPDIR: host.TMPDIR,
    LAMBDA_TASK_ROOT: options.dir,
    LAMBDA_RUNTIME_DIR: options.dir,
    ...(options.layerRoot ? { AWSBLOG_LAYER_ROOT: options.layerRoot } : {}),
    _HANDLER: options.handler,
    AWS_LAMBDA_RUNTIME_API: address,
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "local",
    AWS_REGION: host.AWS_REGION ?? "us-east-1",
    AWS_DEFAULT_REGION: host.AWS_REGION ?? "us-east-1",
    AWS_EXECUTION_ENV: "AWS_Lambda_provided.al2023",
  };
  // detached: the bootstrap leads its own process group, so a timeout kills its children too.
  const child = spawn(join(options.dir, "bootstrap"), [], { cwd: options.dir, env, detached: true, shell: false, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (text: string) => {
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) options.onLog?.(line);
    });
    stream?.on("end", () => partial && options.onLog?.(partial));
  }
  const record: Child = { process: child, exit: Promise.resolve({ exited: true, code: null, signal: null }), gone: false };
  record.exit = new Promise<Exit>((resolve) => {
    child.on("error", (error: NodeJS.ErrnoException) => resolve({ exited: true, code: null, signal: null, startError: error.code ?? error.message }));
    child.on("exit", (code, signal) => resolve({ exited: true, code, signal }));
  }).then((exit) => {
    record.gone = true;
    return exit;
  });
  return record;
}

function timer(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const handle = setTimeout(resolve, ms);
    handle.unref?.();
    signal?.addEventListener("abort", () => {
      clearTimeout(handle);
      resolve();
    });
  });
}

function timedOut(timeoutMs: number, phase: "init" | "invoke"): LambdaErrorShape {
  const seconds = (timeoutMs / 1000).toFixed(2);
  return phase === "init"
    ? { errorType: "Runtime.InitTimeout", errorMessage: `bootstrap did not ask for an event within ${seconds} seconds` }
    : { errorType: "Sandbox.Timedout", errorMessage: `Task timed out after ${seconds} seconds` };
}

function exitError(exit: Exit): LambdaErrorShape {
  if (exit.startError) return { errorType: "Runtime.InvalidEntrypoint", errorMessage: `cannot start bootstrap: ${exit.startError} (it must be an executable file at the zip root)` };
  const how = exit.signal ? `signal: ${exit.signal.toLowerCase()}` : `exit status ${exit.code}`;
  return { errorType: "Runtime.ExitError", errorMessage: `Runtime exited with error: ${how}` };
}

function parseResult(body: Buffer): unknown {
  const text = body.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
