import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** moto_server on a free loopback port, for the tests and the playground. */
export interface Moto {
  url: string;
  /** The process watching moto_server (it ends with it). */
  pid: number | undefined;
  /** Wipes all state and sets the Step Functions execution switch (off unless asked). */
  reset(options?: { stepFunctions?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export const MOTO_BIN = process.env.AWSBLOG_MOTO_SERVER ?? "moto_server";

/**
 * A moto_server of its own (tests share one per worker: test/helpers/moto.ts). It runs under a small shell that stops it when this process's end
 * of its stdin closes (SIGKILL: moto's SIGTERM handler waits for its worker threads, minutes on a
 * loaded machine), so no server outlives a test worker, however the worker ends.
 */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // (A background job's stdin is /dev/null in sh, hence the copy on fd 3.)
  // Ctrl-C at a terminal reaches the whole process group: the watcher ignores it (as moto, a
  // background job, does) and keeps waiting, so stop() returns only once moto_server is gone.
  const watch = `trap '' INT; exec 3<&0; "$0" "$@" 3<&- & server=$!; (cat <&3 >/dev/null; kill -9 $server 2>/dev/null) & exec 3<&-; wait $server`;
  const child: ChildProcess = spawn("sh", ["-c", watch, MOTO_BIN, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["pipe", "ignore", "pipe"],
    // Check authenticator (TOTP) codes as Cognito does: moto accepts any code without this, and
    // a worker's one shared server must behave the same whichever test file started it.
    env: { ...process.env, MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP: "true" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  // Start-up takes ~2 s idle, but far longer on a loaded 2-core machine.
  const deadline = Date.now() + 50_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}/moto-api/data.json`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.stdin?.end();
      throw new Error(`moto_server did not start on ${url}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A shared server must not keep the worker alive once its files are done.
  child.unref();
  for (const stream of [child.stdin, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    url,
    pid: child.pid,
    async reset(options = {}) {
      await post(`${url}/moto-api/reset`, undefined);
      await post(`${url}/moto-api/config`, { stepfunctions: { execute_state_machine: options.stepFunctions ?? false } });
    },
    async stop() {
      const exited = new Promise((resolve) => {
        // Killed by a signal (Ctrl-C reaches the whole process group), exitCode stays null.
        if (child.exitCode !== null || child.signalCode !== null) resolve(undefined);
        else child.once("exit", resolve);
      });
      // A stopping server holds this process until it is gone (it was unref'd while shared).
      child.ref();
      child.stdin?.end();
      await exited;
    },
  };
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** SDK client settings for tests that arrange or check state in moto directly. */
export function motoClientConfig(url: string) {
  return {
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
}

/**
 * IAM has no client among this package's dependencies: moto's query API takes the form as is
 * (it reads the service from the credential scope and does not check signatures).
 */
export async function createLambdaRole(endpoint: string, name: string): Promise<string> {
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const res = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: new URLSearchParams({ Action: "CreateRole", Version: "2010-05-08", RoleName: name, AssumeRolePolicyDocument: trust }),
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!res.ok || !arn) throw new Error(`moto IAM CreateRole ${name}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return arn;
}
