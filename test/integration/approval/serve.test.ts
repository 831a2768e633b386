import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithMoto } from "../../helpers/moto.js";
import { settled, startPausedExecution } from "../../helpers/sfn-callback.js";
import { startServe, type ServeRun } from "./serve-process.js";

const post = (url: string, fields: Record<string, string>) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
const link = (base: string, route: string, token: string) => `${base}/${route}?taskToken=${encodeURIComponent(token)}`;

describeWithMoto("approval serve against executions paused on a task token", (moto) => {
  let serve: ServeRun;
  beforeAll(async () => {
    serve = await startServe(moto().url);
  });
  afterAll(async () => {
    await serve?.stop();
  });

  it("GET and HEAD of both links show a page and leave the execution RUNNING", async () => {
    const execution = await startPausedExecution(moto(), { employeeName: "Jim", managerEmailAddress: "ana@example.com" });
    for (const route of ["succeed", "fail"]) {
      const get = await fetch(link(serve.url, route, execution.taskToken));
      expect(get.status).toBe(200);
      expect(await get.text()).toContain('<form method="post"');
      const head = await fetch(link(serve.url, route, execution.taskToken), { method: "HEAD" });
      expect(head.status).toBe(200);
    }
    // Every response is in: a callback sent by mistake would have been invoked by now.
    expect(serve.sfnCalls()).toEqual([]);
    expect((await execution.status()).status).toBe("RUNNING");
  });

  it("POST approve succeeds the execution with {approved:true}; a second POST says already decided", async () => {
    const execution = await startPausedExecution(moto());
    const res = await post(`${serve.url}/succeed`, { taskToken: execution.taskToken });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Approved");
    const final = await settled(execution);
    expect(final.status).toBe("SUCCEEDED");
    expect(JSON.parse(final.output ?? "null")).toEqual({ approved: true });

    const again = await post(`${serve.url}/succeed`, { taskToken: execution.taskToken });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("Already decided or expired");
    expect(serve.stdout()).toContain('{"event":"decided","action":"approve","ok":true}');
  });

  it("POST reject fails the execution with error Rejected", async () => {
    const execution = await startPausedExecution(moto());
    const res = await post(`${serve.url}/fail`, { taskToken: execution.taskToken, reason: "not this year" });
    expect(res.status).toBe(200);
    const final = await settled(execution);
    expect(final.status).toBe("FAILED");
    expect(final.error).toBe("Rejected"); // (moto drops the cause)
  });

  it("escapes hostile tokens on every page and never logs them", async () => {
    const execution = await startPausedExecution(moto());
    const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>'&amp;`;
    for (const route of ["succeed", "fail"]) {
      const html = await (await fetch(link(serve.url, route, hostile))).text();
      expect(html).not.toContain("<script>alert");
      expect(html).not.toContain("<img src=x");
      expect(html).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(html).toContain("&amp;amp;"); // the literal "&amp;" in the token, escaped once more
    }
    const res = await post(`${serve.url}/succeed`, { taskToken: hostile });
    expect([400, 409]).toContain(res.status);
    const html = await res.text();
    expect(html).not.toContain("<script>");
    expect((await execution.status()).status).toBe("RUNNING");
    expect(serve.stdout()).not.toContain("<script>");
    expect(serve.stdout()).not.toContain(execution.taskToken);
  });

  it("stops on Ctrl-C with exit 130 and stops answering", async () => {
    const own = await startServe(moto().url);
    expect((await fetch(`${own.url}/healthz`)).status).toBe(200);
    expect(await own.stop()).toBe(130);
    await expect(fetch(`${own.url}/healthz`)).rejects.toThrow();
  });
});
