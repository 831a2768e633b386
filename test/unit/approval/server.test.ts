import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StepFunctionsApi } from "../../../src/lib/aws/sfn.js";
import { createApprovalHandler } from "../../../src/lib/approval/server.js";
import { AwsError } from "../../../src/lib/errors.js";
import { testContext } from "../../helpers/context.js";

/** The handler on a real loopback server, with Step Functions replaced by a recorder. */
const calls: string[][] = [];
let nextError: Error | undefined;
const sfn: StepFunctionsApi = {
  async sendTaskSuccess(token, output) {
    calls.push(["success", token, output]);
    if (nextError) throw nextError;
  },
  async sendTaskFailure(token, error, cause) {
    calls.push(["failure", token, error, cause]);
    if (nextError) throw nextError;
  },
  async sendTaskHeartbeat() {},
};
let server: Server;
let base: string;
let f: ReturnType<typeof testContext>;

beforeAll(async () => {
  f = testContext();
  const handler = createApprovalHandler({ sfn: async () => sfn, out: f.ctx.out });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  calls.length = 0;
  nextError = undefined;
});

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  body: new URLSearchParams(fields).toString(),
});

describe("approval page handler", () => {
  it("GET shows a form that POSTs the token in the body, with no-store, a same-origin referrer policy and no framing", async () => {
    const res = await fetch(`${base}/succeed?taskToken=${encodeURIComponent("tok+/=")}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(html).toContain('<form method="post" action="succeed">');
    expect(html).toContain('<input type="hidden" name="taskToken" value="tok+/=">');
    expect(calls).toEqual([]);
  });

  it("the reject page asks for an optional reason that becomes the cause", async () => {
    expect(await (await fetch(`${base}/fail?taskToken=t`)).text()).toContain('name="reason"');
    const res = await fetch(`${base}/fail`, form({ taskToken: "t", reason: "  not this year " }));
    expect(res.status).toBe(200);
    expect(calls).toEqual([["failure", "t", "Rejected", "not this year"]]);
  });

  it("POST approve sends {approved:true} and reports the decision as a JSON line", async () => {
    const res = await fetch(`${base}/respond/succeed`, form({ taskToken: "t1" }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<h1>Approved</h1>");
    expect(calls).toEqual([["success", "t1", '{"approved":true}']]);
    expect(f.lines().at(-1)).toEqual({ event: "decided", action: "approve", ok: true });
  });

  it("never acts without a form body token, a form content type, or from another site", async () => {
    const refused = [
      [await fetch(`${base}/succeed?taskToken=t`, { method: "POST" }), 415],
      [await fetch(`${base}/succeed?taskToken=t`, form({})), 400],
      [await fetch(`${base}/succeed`, { ...form({ taskToken: "t" }), headers: { "content-type": "application/json" } }), 415],
      [await fetch(`${base}/succeed`, form({ taskToken: "t" }, { origin: "https://evil.example" })), 403],
      [await fetch(`${base}/succeed`, form({ taskToken: "t" }, { origin: "null" })), 403],
      [await fetch(`${base}/succeed`, form({ taskToken: "t" }, { "sec-fetch-site": "cross-site" })), 403],
      [await fetch(`${base}/succeed`, form({ taskToken: "t" }, { "sec-fetch-site": "same-site", origin: base })), 403],
      [await fetch(`${base}/succeed`, form({ taskToken: "x".repeat(2049) })), 400],
      [await fetch(`${base}/succeed`, form({ taskToken: "t", pad: "p".repeat(200_000) })), 413],
      [await fetch(`${base}/succeed?taskToken=t`, { method: "PUT" }), 405],
      [await fetch(`${base}/succeed?taskToken=t`, { method: "HEAD" }), 200],
      [await fetch(`${base}/other?taskToken=t`), 404],
      [await fetch(`${base}/succeed`), 400],
    ] as const;
    expect(refused.map(([res]) => res.status)).toEqual(refused.map(([, status]) => status));
    expect(calls).toEqual([]);
    const sameOrigin = await fetch(`${base}/succeed`, form({ taskToken: "t" }, { origin: base }));
    expect(sameOrigin.status).toBe(200);
    // What Chromium sends for the page's own form.
    const browserForm = await fetch(`${base}/succeed`, form({ taskToken: "t" }, { origin: "null", "sec-fetch-site": "same-origin" }));
    expect(browserForm.status).toBe(200);
  });

  it("a stale token gets 409 'already decided or expired'; the token never reaches the log", async () => {
    const token = "stale-token-123";
    nextError = new AwsError("StepFunctions", "SendTaskSuccess", "TaskDoesNotExist", `Task ${token} does not exist`);
    const res = await fetch(`${base}/succeed`, form({ taskToken: token }));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("Already decided or expired");
    expect(f.lines().at(-1)).toEqual({ event: "decided", action: "approve", ok: false, error: "TaskDoesNotExist" });
    expect(f.stdout() + f.stderr()).not.toContain(token);
  });

  it("other AWS failures are 502 and say nothing was changed", async () => {
    nextError = new AwsError("StepFunctions", "SendTaskFailure", "AccessDeniedException", "no");
    const res = await fetch(`${base}/fail`, form({ taskToken: "t" }));
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("Nothing was changed");
  });

  it("GET /healthz is 200 text; request logs carry the path only", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
    await fetch(`${base}/succeed?taskToken=secret-in-query`);
    expect(f.stderr()).toContain("GET /succeed → 200");
    expect(f.stderr()).not.toContain("secret-in-query");
  });
});
