import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { settled, startPausedExecution } from "../../helpers/sfn-callback.js";

describeWithMoto("approve / reject / heartbeat against a paused execution", (moto) => {
  it("approve sends the result and the execution succeeds with it as output", async () => {
    const execution = await startPausedExecution(moto());
    // Global options after the subcommand, as users type them.
    const run = await awsblog([
      "approve",
      "--token",
      execution.taskToken,
      "--result",
      '{"approved":true,"by":"ana"}',
      "--endpoint-url",
      moto().url,
      "-o",
      "json",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ action: "approve", ok: true });
    const final = await settled(execution);
    expect(final.status).toBe("SUCCEEDED");
    expect(JSON.parse(final.output ?? "null")).toEqual({ approved: true, by: "ana" });
  });

  it("reject reads the token from stdin and the execution fails with the error", async () => {
    const execution = await startPausedExecution(moto());
    const run = await awsblog(
      ["--endpoint-url", moto().url, "reject", "--token", "-", "--error", "NotApproved", "--cause", "budget"],
      { input: `${execution.taskToken}\n` },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rejected/);
    const final = await settled(execution);
    expect(final.status).toBe("FAILED");
    expect(final.error).toBe("NotApproved");
  });

  it("heartbeat takes the token from AWSBLOG_TASK_TOKEN and leaves the task waiting", async () => {
    const execution = await startPausedExecution(moto());
    const run = await awsblog(["heartbeat", "--endpoint-url", moto().url, "-o", "json"], {
      env: { AWSBLOG_TASK_TOKEN: execution.taskToken },
    });
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ action: "heartbeat", ok: true });
    expect((await execution.status()).status).toBe("RUNNING");
  });

  it("a token Step Functions does not know exits 1 with a plain explanation and no stack", async () => {
    await moto().reset({ stepFunctions: true });
    const run = await awsblog(["approve", "--token", "not-a-real-token", "--endpoint-url", moto().url]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^awsblog: StepFunctions SendTaskSuccess failed: (InvalidToken|TaskDoesNotExist)/);
    expect(lines[0]).toContain("already decided, expired, or the token is not of this account/region");
    expect(run.stderr).not.toContain("not-a-real-token");
  });

  it("a decided task cannot be decided twice", async () => {
    const execution = await startPausedExecution(moto());
    const first = await awsblog(["approve", "--token", execution.taskToken, "--endpoint-url", moto().url]);
    expect(first.code).toBe(0);
    await settled(execution);
    // (moto accepts a second SendTaskFailure for a finished execution; AWS does not.)
    const second = await awsblog(["approve", "--token", execution.taskToken, "--endpoint-url", moto().url]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/SendTaskSuccess failed: (TaskDoesNotExist|InvalidToken|TaskTimedOut)/);
    expect((await execution.status()).status).toBe("SUCCEEDED");
  });
});

describe("approve / reject / heartbeat input checks (nothing is sent)", () => {
  // An endpoint nobody listens on: if the CLI called AWS, the error would be a network one.
  const deadEndpoint = "http://127.0.0.1:9";

  const bigResult = join(mkdtempSync(join(tmpdir(), "awsblog-")), "result.json");
  writeFileSync(bigResult, JSON.stringify("a".repeat(262_143)));

  it.each([
    ["a 2049-char token", ["approve", "--token", "x".repeat(2049)], /task token is 2049 characters/],
    ["a result that is not JSON", ["approve", "--token", "t", "--result", "{nope"], /--result is not valid JSON/],
    ["a result over 256 KiB", ["approve", "--token", "t", "--result", `@${bigResult}`], /--result: .*result.json is larger than 256 KiB/],
    ["a result file that does not exist", ["approve", "--token", "t", "--result", "@/nonexistent.json"], /--result: cannot read/],
    ["a 257-char error", ["reject", "--token", "t", "--error", "e".repeat(257)], /--error is 257 characters/],
    ["a 32,769-char cause", ["reject", "--token", "t", "--cause", "c".repeat(32_769)], /--cause is 32769 characters/],
    ["no token at all", ["heartbeat"], /task token is empty/],
  ])("%s → exit 2", async (_label, args, message) => {
    const run = await awsblog([...args, "--endpoint-url", deadEndpoint]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/ECONNREFUSED|could not reach/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("no region anywhere → exit 2 saying how to set one", async () => {
    const run = await awsblog(["approve", "--token", "t", "--endpoint-url", deadEndpoint], {
      env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      "awsblog: no AWS region is configured — pass --region <r>, set AWS_REGION, or set `region` in your AWS profile",
    );
  });

  it("an unreachable endpoint is a one-line failure (exit 1), with the stack only under --debug", async () => {
    const plain = await awsblog(["approve", "--token", "secret-token-value", "--endpoint-url", deadEndpoint]);
    expect(plain.code).toBe(1);
    expect(plain.stderr.trim()).toMatch(/^awsblog: StepFunctions SendTaskSuccess: could not reach the AWS endpoint \(ECONNREFUSED\)/);
    expect(plain.stderr.trim().split("\n")).toHaveLength(1);

    const debug = await awsblog(["approve", "--token", "secret-token-value", "--endpoint-url", deadEndpoint, "--debug"]);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain('→ StepFunctions.SendTaskSuccess {"taskToken":"***"');
    expect(debug.stderr).toMatch(/at .*decide/);
    expect(debug.stderr).not.toContain("secret-token-value");
  });
});

describe("Ctrl-C", () => {
  it("interrupting a call in flight exits 130 without a stack trace", async () => {
    const { createServer } = await import("node:net");
    const { spawn } = await import("node:child_process");
    const { BIN, testEnv } = await import("../../helpers/cli.js");
    // An endpoint that accepts the connection and never answers: the call hangs until Ctrl-C.
    let connected!: () => void;
    const callInFlight = new Promise<void>((resolve) => (connected = resolve));
    const server = createServer(() => connected()).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, [BIN, "approve", "--token", "t", "--endpoint-url", `http://127.0.0.1:${port}`], {
        env: testEnv(),
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      await callInFlight; // the SendTaskSuccess request is open: now press Ctrl-C
      child.kill("SIGINT");
      const code = await new Promise((resolve) => child.on("close", resolve));
      expect(code).toBe(130);
      expect(stderr).toContain("interrupted");
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      server.close();
    }
  });
});
