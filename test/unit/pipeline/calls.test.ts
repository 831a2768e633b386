import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCodePipelineApi, type CodePipelineApi } from "../../../src/lib/aws/codepipeline.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { AwsError, FailureError, InterruptedError } from "../../../src/lib/errors.js";
import { retrying } from "../../../src/lib/pipeline/retrying.js";

/** An endpoint that accepts connections and never answers (issue 14's hang). */
let silent: Server;
let url = "";
beforeAll(async () => {
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const address = silent.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => {
  vi.unstubAllEnvs();
  silent.closeAllConnections();
  return new Promise<void>((resolve) => silent.close(() => resolve()));
});

function factory(readMs: number) {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  return createAwsClientFactory({ region: "us-east-1", endpointUrl: url, userAgent: { name: "awsblog", version: "test" }, timeouts: { readMs } });
}

describe("every CodePipeline call ends", () => {
  it("a silent endpoint is exit 1 naming the service and operation, after the read timeout (one attempt: the callers retry)", async () => {
    const api = await createCodePipelineApi(factory(300));
    const started = Date.now();
    const error = await api.getPipelineState("p").catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(FailureError);
    expect((error as FailureError).exitCode).toBe(1);
    expect((error as Error).message).toMatch(/^no answer from CodePipeline GetPipelineState after 1 attempt, 0\.[3-9] s$/);
    expect((error as FailureError).hint).toMatch(/--endpoint-url/);
  });

  it("Ctrl-C ends a read at once; a write (a job's result) is not cut short by it", async () => {
    const controller = new AbortController();
    const api = await createCodePipelineApi(factory(400), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(api.getPipelineState("p")).rejects.toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(350);
    // The write still runs to its own deadline after the abort.
    const write = await api.putJobFailureResult("job", "interrupted").catch((e: unknown) => e);
    expect((write as Error).message).toMatch(/^no answer from CodePipeline PutJobFailureResult after 1 attempt, 0\.[4-9] s$/);
  });
});

describe("retrying", () => {
  const throttle = () => new AwsError("CodePipeline", "X", "ThrottlingException", "Rate exceeded");
  const timeout = () => new AwsError("CodePipeline", "X", "InternalFailure", "boom");

  function fake(failures: Error[]) {
    const calls: string[] = [];
    const next = async (name: string) => {
      calls.push(name);
      const failure = failures.shift();
      if (failure) throw failure;
      return name === "getPipelineState" ? [] : undefined;
    };
    const api = Object.fromEntries(
      ["getPipelineState", "putApprovalResult", "putJobSuccessResult"].map((name) => [name, () => next(name)]),
    ) as unknown as CodePipelineApi;
    return { api, calls };
  }

  it("reads retry throttling and 5xx with jittered backoff; writes retry only throttling", async () => {
    const waits: number[] = [];
    const throttles: string[] = [];
    const pacing = { sleep: async (ms: number) => void waits.push(ms), random: () => 1, onThrottle: (op: string) => throttles.push(op) };

    const reads = fake([throttle(), timeout()]);
    await retrying(reads.api, pacing).getPipelineState("p");
    expect(reads.calls).toEqual(["getPipelineState", "getPipelineState", "getPipelineState"]);
    expect(waits).toEqual([1000, 2000]);
    expect(throttles).toEqual(["getPipelineState"]);

    const writes = fake([throttle(), timeout()]);
    const failed = await retrying(writes.api, pacing)
      .putApprovalResult({ pipeline: "p", stage: "s", action: "a", token: "t", status: "Approved", summary: "x" })
      .catch((e: unknown) => e);
    // Throttled: AWS did nothing, so retry. A 5xx: it may have landed — do not send it twice.
    expect(writes.calls).toEqual(["putApprovalResult", "putApprovalResult"]);
    expect((failed as AwsError).code).toBe("InternalFailure");
  });

  it("gives up after the attempts with the throttling error", async () => {
    const many = fake([throttle(), throttle(), throttle()]);
    const error = await retrying(many.api, { sleep: async () => {}, random: () => 0, attempts: 3 }).getPipelineState("p").catch((e: unknown) => e);
    expect(many.calls).toHaveLength(3);
    expect((error as AwsError).code).toBe("ThrottlingException");
  });
});
