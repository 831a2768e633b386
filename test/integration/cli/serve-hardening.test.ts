import { request } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StepFunctionsApi } from "../../../src/lib/aws/sfn.js";
import { awsblog, interrupts } from "../../helpers/in-process.js";

/**
 * `approval serve` facing hostile clients: a page asked for by a foreign host name (DNS
 * rebinding) is refused, X-Forwarded-Host is ignored unless --trust-proxy, and a client that
 * dribbles its headers (slowloris) is cut off at the headers timeout.
 */
const decided: string[] = [];
const sfn: StepFunctionsApi = {
  sendTaskSuccess: async (token) => void decided.push(`success:${token}`),
  sendTaskFailure: async (token) => void decided.push(`failure:${token}`),
  sendTaskHeartbeat: async () => {},
};

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface Served {
  port: number;
  stop(): Promise<{ code: number; stderr: string }>;
}

async function serve(extra: string[] = []): Promise<Served> {
  const port = await freePort();
  const signals = interrupts();
  const running = awsblog(["approval", "serve", "--port", String(port), "--headers-timeout", "1", ...extra], {
    services: { sfn: async () => sfn },
    interrupts: signals,
  });
  await signals.listening;
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await get(port, "/healthz", { host: `127.0.0.1:${port}` }).catch(() => undefined))?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    async stop() {
      signals.interrupt();
      return running;
    },
  };
}

/** A raw request: fetch() will not let a test choose the Host header. */
function get(port: number, path: string, headers: Record<string, string>, method = "GET", body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers, setHost: false }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("approval serve: binding", () => {
  it("--host '' (every interface, by accident) is refused with exit 2", async () => {
    const run = await awsblog(["approval", "serve", "--host", "", "--port", "0"], { services: { sfn: async () => sfn } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("awsblog: --host is empty, which would listen on every interface — pass --host 127.0.0.1 (this machine only) or --host 0.0.0.0 to mean every interface\n");
  });
});

describe("approval serve: Host checks (DNS rebinding)", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve();
  });
  afterAll(async () => {
    expect((await served.stop()).code).toBe(130);
  });

  it("answers to its own address and localhost; a foreign name or port gets 421", async () => {
    const { port } = served;
    const page = `/succeed?taskToken=tok`;
    expect((await get(port, page, { host: `127.0.0.1:${port}` })).status).toBe(200);
    expect((await get(port, page, { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(port, page, { host: `LOCALHOST:${port}` })).status).toBe(200);
    for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`, "", `a@127.0.0.1:${port}`]) {
      const res = await get(port, page, { host });
      expect(res.status, host).toBe(421);
      expect(res.text).not.toContain("<form");
    }
  });

  it("X-Forwarded-Host is ignored without --trust-proxy: a cross-site POST claiming it is refused", async () => {
    const { port } = served;
    const forged = await get(port, "/succeed", {
      host: `127.0.0.1:${port}`,
      "x-forwarded-host": "evil.example",
      origin: "http://evil.example",
      "content-type": "application/x-www-form-urlencoded",
    }, "POST", "taskToken=forged");
    expect(forged.status).toBe(403);
    expect(decided).not.toContain("success:forged");
  });
});

describe("approval serve behind a proxy: --public-url and --trust-proxy", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(["--public-url", "https://approvals.example.com", "--trust-proxy"]);
  });
  afterAll(async () => {
    await served.stop();
  });

  it("accepts the public host from X-Forwarded-Host (or Host), refuses others", async () => {
    const { port } = served;
    const page = "/fail?taskToken=tok";
    expect((await get(port, page, { host: `127.0.0.1:${port}`, "x-forwarded-host": "approvals.example.com" })).status).toBe(200);
    expect((await get(port, page, { host: "approvals.example.com" })).status).toBe(200);
    expect((await get(port, page, { host: `127.0.0.1:${port}`, "x-forwarded-host": "evil.example" })).status).toBe(421);
  });

  it("--public-url must be an http(s) URL (exit 2)", async () => {
    const run = await awsblog(["approval", "serve", "--port", "0", "--public-url", "approvals.example.com"], { services: { sfn: async () => sfn } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^awsblog: --public-url "approvals\.example\.com" is not an http\(s\) URL — /);
  });
});

describe("approval serve: slow and idle clients", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve();
  });
  afterAll(async () => {
    await served.stop();
  });

  /** Resolves with the ms until the server closed the connection. */
  function closedAfter(dribble: boolean): Promise<number> {
    const started = Date.now();
    const socket = connect(served.port, "127.0.0.1");
    const bytes = Buffer.from(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${served.port}\r\nX-Slow: ${"a".repeat(1000)}`);
    let sent = 0;
    const timer = dribble ? setInterval(() => sent < bytes.length && socket.write(bytes.subarray(sent, ++sent)), 100) : undefined;
    return new Promise((resolve) => {
      socket.on("error", () => {});
      socket.resume(); // read what the server sends (a 408), so its close is seen
      socket.on("close", () => {
        clearInterval(timer);
        resolve(Date.now() - started);
      });
    });
  }

  it("a client sending its headers byte by byte is closed at the headers timeout (1 s here)", async () => {
    const ms = await closedAfter(true);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(4_000);
  }, 15_000);

  it("a connection that sends nothing is closed too", async () => {
    const ms = await closedAfter(false);
    expect(ms).toBeLessThan(4_000);
  }, 15_000);
});
