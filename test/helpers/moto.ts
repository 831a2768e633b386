import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe } from "vitest";

/**
 * One moto_server per test worker, started on first use on a free loopback port and shared by
 * the files that worker runs (one file at a time). Each file starts from an empty server:
 * `describeWithMoto` resets it before the file's first test, and a test that needs a clean
 * slate mid-file calls `moto().reset()` (Step Functions tests do, before every execution).
 * Starting moto costs about two seconds of CPU; a reset costs milliseconds.
 */
export interface Moto {
  url: string;
  /** Wipes all state and sets the Step Functions execution switch (off unless asked). */
  reset(options?: { stepFunctions?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

const MOTO_BIN = process.env.AWSBLOG_MOTO_SERVER ?? "moto_server";

export function motoInstalled(): boolean {
  return spawnSync(MOTO_BIN, ["--help"], { stdio: "ignore" }).status === 0;
}

const required = process.env.AWSBLOG_REQUIRE_MOTO === "1";
const available = motoInstalled();
if (!available && !required) {
  console.warn(
    `[awsblog tests] moto_server not found: integration tests are SKIPPED. Install moto (pip install "moto[server]") or set AWSBLOG_REQUIRE_MOTO=1 to make this a failure.`,
  );
}

/**
 * describe() for suites that need moto: skipped with a clear message when moto_server is
 * missing, a hard failure when AWSBLOG_REQUIRE_MOTO=1 (CI sets it).
 */
export function describeWithMoto(name: string, body: (moto: () => Moto) => void): void {
  if (!available && !required) {
    describe.skip(`${name} (skipped: moto_server not installed)`, () => body(() => undefined as never));
    return;
  }
  describe(name, () => {
    let moto: Moto | undefined;
    beforeAll(async () => {
      if (!available) throw new Error("AWSBLOG_REQUIRE_MOTO=1 but moto_server is not installed");
      moto = await workerMoto();
      await moto.reset(); // nothing left over from the worker's previous file
    }, 60_000);
    afterAll(async () => {
      // Free the state this file made; the server stays up for the worker's next file.
      await moto?.reset();
    });
    body(() => {
      if (!moto) throw new Error("moto_server did not start");
      return moto;
    });
  });
}

let shared: Promise<Moto> | undefined;

/** This worker's moto_server, started on the first call. */
export function workerMoto(): Promise<Moto> {
  shared ??= startMoto().catch((error: unknown) => {
    shared = undefined; // let the next file try again and report its own failure
    throw error;
  });
  return shared;
}

/**
 * A moto_server of its own. It runs under a small shell that stops it when this process's end
 * of its stdin closes, so no server outlives a test worker, however the worker ends.
 */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // (A background job's stdin is /dev/null in sh, hence the copy on fd 3.)
  const watch = `exec 3<&0; "$0" "$@" 3<&- & server=$!; (cat <&3 >/dev/null; kill $server 2>/dev/null) & exec 3<&-; wait $server`;
  const child: ChildProcess = spawn("sh", ["-c", watch, MOTO_BIN, "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["pipe", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
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
    async reset(options = {}) {
      await post(`${url}/moto-api/reset`, undefined);
      await post(`${url}/moto-api/config`, { stepfunctions: { execute_state_machine: options.stepFunctions ?? false } });
    },
    async stop() {
      const exited = new Promise((resolve) => {
        if (child.exitCode !== null) resolve(undefined);
        else child.once("exit", resolve);
      });
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
