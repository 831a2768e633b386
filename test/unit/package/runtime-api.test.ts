import { afterEach, describe, expect, it } from "vitest";
import { MAX_RESPONSE_BYTES, RuntimeApiServer, type DispatchedEvent } from "../../../src/lib/package/runtime-api.js";

/** The loopback Runtime API, driven by fetch as a bootstrap would drive it. */
let server: RuntimeApiServer;
let base: string;
afterEach(async () => server?.close());

async function start(): Promise<void> {
  server = new RuntimeApiServer();
  base = `http://${await server.listen()}/2018-06-01/runtime`;
}

const event = (requestId: string, body = '{"a":1}'): DispatchedEvent => ({
  requestId,
  body,
  deadlineMs: 1_900_000_000_000,
  functionArn: "arn:aws:lambda:local:000000000000:function:f",
  traceId: "Root=1-abc-def;Parent=1;Sampled=0",
});

describe("RuntimeApiServer", () => {
  it("binds loopback only and hands a waiting /next the event with Lambda's headers", async () => {
    await start();
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const next = fetch(`${base}/invocation/next`);
    await server.nextRequested();
    const reply = server.dispatch(event("req-1"));
    const res = await next;
    expect(res.status).toBe(200);
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => key.startsWith("lambda-runtime") && (headers[key] = value));
    expect(headers).toEqual({
      "lambda-runtime-aws-request-id": "req-1",
      "lambda-runtime-deadline-ms": "1900000000000",
      "lambda-runtime-invoked-function-arn": "arn:aws:lambda:local:000000000000:function:f",
      "lambda-runtime-trace-id": "Root=1-abc-def;Parent=1;Sampled=0",
    });
    expect(await res.text()).toBe('{"a":1}');
    const posted = await fetch(`${base}/invocation/req-1/response`, { method: "POST", body: '{"ok":true}' });
    expect(posted.status).toBe(202);
    expect(await posted.json()).toEqual({ status: "OK" });
    expect(await reply).toEqual({ kind: "response", body: Buffer.from('{"ok":true}') });
  });

  it("queues an event dispatched before the bootstrap polls", async () => {
    await start();
    const reply = server.dispatch(event("req-2", "[1,2]"));
    const res = await fetch(`${base}/invocation/next`);
    expect(res.headers.get("lambda-runtime-aws-request-id")).toBe("req-2");
    expect(await res.text()).toBe("[1,2]");
    await fetch(`${base}/invocation/req-2/error`, { method: "POST", headers: { "Lambda-Runtime-Function-Error-Type": "Oops" }, body: JSON.stringify({ errorMessage: "bad", errorType: "TypeError", stackTrace: ["a", 2] }) });
    expect(await reply).toEqual({ kind: "error", error: { errorType: "TypeError", errorMessage: "bad", stackTrace: ["a", "2"] } });
  });

  it("keeps an error body that is not the Lambda shape as the message, typed from the header", async () => {
    await start();
    const reply = server.dispatch(event("req-3"));
    await fetch(`${base}/invocation/next`);
    await fetch(`${base}/invocation/req-3/error`, { method: "POST", headers: { "Lambda-Runtime-Function-Error-Type": "Runtime.Crash" }, body: "segfault" });
    expect(await reply).toEqual({ kind: "error", error: { errorType: "Runtime.Crash", errorMessage: "segfault" } });
  });

  it("answers 400 to an unknown or already answered request id, 404 to other routes", async () => {
    await start();
    const reply = server.dispatch(event("req-4"));
    await fetch(`${base}/invocation/next`);
    expect((await fetch(`${base}/invocation/req-4/response`, { method: "POST", body: "1" })).status).toBe(202);
    await reply;
    const again = await fetch(`${base}/invocation/req-4/response`, { method: "POST", body: "2" });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ errorType: "InvalidRequestID" });
    expect(server.protocolErrors).toEqual(["req-4"]);
    expect((await fetch(`${base}/invocation/next`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${base.replace("2018-06-01", "2099-01-01")}/invocation/next`)).status).toBe(404);
  });

  it("refuses a response above Lambda's 6 MB with 413 and reports Function.ResponseSizeTooLarge", async () => {
    await start();
    const reply = server.dispatch(event("req-5"));
    await fetch(`${base}/invocation/next`);
    const res = await fetch(`${base}/invocation/req-5/response`, { method: "POST", body: Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x61) }).catch(() => undefined);
    if (res) expect(res.status).toBe(413);
    expect(await reply).toMatchObject({ kind: "error", error: { errorType: "Function.ResponseSizeTooLarge" } });
  });

  it("reports /init/error with the Lambda error shape", async () => {
    await start();
    const failed = server.initFailed();
    const res = await fetch(`${base}/init/error`, { method: "POST", headers: { "Lambda-Runtime-Function-Error-Type": "Runtime.Unknown" }, body: JSON.stringify({ errorType: "LoadError", errorMessage: "cannot load such file" }) });
    expect(res.status).toBe(202);
    expect(await failed).toEqual({ errorType: "LoadError", errorMessage: "cannot load such file" });
  });
});
