import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/**
 * moto_server on a free loopback port, for the tests (each integration file gets its own, so
 * resets never wipe another file's state) and the playground.
 */
export interface Moto {
  url: string;
  pid: number | undefined;
  /** Wipes all state; also re-applies the Step Functions execution switch when asked. */
  reset(options?: { stepFunctions?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export const MOTO_BIN = process.env.AWSBLOG_MOTO_SERVER ?? "moto_server";

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(MOTO_BIN, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/moto-api/data.json`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not start on ${url}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid,
    async reset(options = {}) {
      await post(`${url}/moto-api/reset`, undefined);
      if (options.stepFunctions) await post(`${url}/moto-api/config`, { stepfunctions: { execute_state_machine: true } });
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => {
        // Killed by a signal (Ctrl-C reaches the whole process group), exitCode stays null.
        if (child.exitCode !== null || child.signalCode !== null) resolve(undefined);
        else child.once("exit", resolve);
      });
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
