// Helpers the DLQ benchmarks share: the environment, a moto_server of their own, a free port.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

/** Fake keys, no shared files, one region: set in this process and passed to every child. */
export const BENCH_ENV = { ...process.env, AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench", AWS_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

/** Starts moto_server on a free loopback port (stopped when this process exits); its URL. */
export async function startMoto() {
  Object.assign(process.env, BENCH_ENV);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const moto = spawn(process.env.AWSBLOG_MOTO_SERVER ?? "moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  process.on("exit", () => moto.kill());
  await waitFor(`${endpoint}/moto-api/data.json`);
  return endpoint;
}

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not start at ${url}`);
}
