import { createServer, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBounded, readRegularFile } from "../../../src/lib/input.js";
import { awsblog } from "../../helpers/in-process.js";

/**
 * Every input has a size limit checked while reading. Fed an endless stream, each reader used
 * to buffer until the process ran out of memory (past 2 GB in the sweep); now it stops at its
 * limit: exit 2 naming the limit, and no more than about one chunk past it was ever taken in.
 */
const CHUNK = 64 * 1024;

/** `yes`-like stdin: pushes CHUNK bytes whenever asked, forever; counts what was taken. */
function endless(fill = "y\n") {
  const chunk = Buffer.alloc(CHUNK, fill);
  const counter = { bytes: 0 };
  const stream = new Readable({
    read() {
      counter.bytes += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, counter };
}

const E = ["--endpoint-url", "http://127.0.0.1:9", "--cli-connect-timeout", "1"];
const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:x";

const CASES: { args: string[]; limit: number; shown: string; flag: string; fill?: string }[] = [
  { args: ["approve", "--token", "-", ...E], limit: 16 * 1024, shown: "16 KiB", flag: "--token -" },
  { args: ["approval", "start", "--state-machine-arn", SM, "--input", "-", ...E], limit: 262_144, shown: "256 KiB", flag: "--input" },
  { args: ["cognito", "signup", "--client-id", "abcdefghij", "--username", "u", "--password-stdin", ...E], limit: 64 * 1024, shown: "64 KiB", flag: "--password-stdin", fill: "p" },
  { args: ["saml", "login", "--saml-response", "-", ...E], limit: 1024 * 1024, shown: "1 MiB", flag: "--saml-response" },
  { args: ["saml", "roles", "--saml-response", "-"], limit: 1024 * 1024, shown: "1 MiB", flag: "--saml-response" },
  { args: ["dlq", "inspect", "--file", "-"], limit: 64 * 1024 * 1024, shown: "64 MiB", flag: "--file" },
];

describe("endless stdin stops at the input's limit", () => {
  for (const { args, limit, shown, flag, fill } of CASES) {
    it(`${args.slice(0, 2).join(" ")} ${flag} → exit 2 at ${shown}`, async () => {
      const { stream, counter } = endless(fill);
      const run = await awsblog(args, { input: stream });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toBe(`awsblog: ${flag}: stdin holds more than ${shown}, the limit for this input — ${run.stderr.split(" — ")[1]}`);
      expect(run.stderr.split("\n")).toHaveLength(2);
      // Memory stays bounded: what was pulled from stdin is the limit plus the chunk that crossed
      // it and what the stream buffered ahead (one highWaterMark).
      expect(counter.bytes).toBeGreaterThan(limit);
      expect(counter.bytes).toBeLessThanOrEqual(limit + 2 * CHUNK);
      expect(stream.destroyed).toBe(true);
    }, 20_000);
  }

  it("input within the limit still reads whole (a token on stdin)", async () => {
    const run = await awsblog(["approve", "--token", "-", "--result", "nope", ...E], { input: "t0k3n\n" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^awsblog: --result is not valid JSON/);
  });
});

describe("readBounded, the one reader", () => {
  it("stops an endless async source one chunk past the limit and returns what fits", async () => {
    let pulled = 0;
    async function* forever() {
      for (;;) {
        pulled += 1000;
        yield Buffer.alloc(1000, "x");
      }
    }
    await expect(readBounded(forever(), 10_000, (limit) => new Error(`over ${limit}`))).rejects.toThrow("over 10,000 bytes");
    expect(pulled).toBe(11_000);
    expect((await readBounded(Readable.from([Buffer.from("ab"), "cd"]), 4, () => new Error("no"))).toString()).toBe("abcd");
  });

  it("a regular file over the limit is refused without reading it (exit 2 naming the flag and the limit)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "awsblog-bounded-"));
    const big = join(dir, "big.json");
    writeFileSync(big, "x".repeat(5000));
    await expect(readRegularFile(big, "--policy", 4096)).rejects.toMatchObject({ exitCode: 2, message: `--policy: ${big} is larger than 4 KiB, the limit for this input` });
    expect((await readRegularFile(big, "--policy", 5000)).length).toBe(5000);
  });
});

/** A server that answers 200 and then sends forever; counts what it managed to send. */
describe("endless answers from the network are cut off", () => {
  let server: Server;
  let url = "";
  const sent = { bytes: 0, closed: 0 };
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/html" });
      const chunk = Buffer.alloc(CHUNK, "<p>a</p>");
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent.bytes += CHUNK;
        if (!res.destroyed) sent.bytes += CHUNK;
      };
      res.on("drain", pump);
      res.on("close", () => sent.closed++);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/adfs/ls/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("saml roles --idp-url: an IdP page that never ends stops at 4 MiB, exit 1, and the connection is dropped", async () => {
    const run = await awsblog(["saml", "roles", "--idp-url", url, "--username", "jane"], { env: { AWSBLOG_PASSWORD: "pw" } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: the IdP's page at http:\/\/127\.0\.0\.1:\d+\/adfs\/ls\/ is larger than 4 MiB — /);
    await expect.poll(() => sent.closed).toBe(1);
    // What the server got out is the limit plus socket buffers, not an ever-growing body.
    expect(sent.bytes).toBeLessThan(4 * 1024 * 1024 + 8 * 1024 * 1024);
  }, 20_000);
});
