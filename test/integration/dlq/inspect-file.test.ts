import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/dlq/${name}`, import.meta.url));

describe("dlq inspect --file (no AWS needed)", () => {
  it("reads saved SNS events from a path and prints the summary and table", async () => {
    const run = await awsblog(["dlq", "inspect", "--file", fixture("sns-lambda-event.json")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").slice(0, 4)).toEqual([
      `2 message(s) from ${fixture("sns-lambda-event.json")}`,
      "",
      "  timeout           1  raise the timeout or split the work before redriving",
      "  crash             1  check memory (REPORT lines) before redriving",
    ]);
    expect(run.stdout).toContain("timeout  2016-11-29 04:27:37Z  -     b4797725-b5eb-11e6-acb2-17876a085622  Task timed out after 300.00 seconds");
  });

  it("reads destination records from stdin as JSON, with --fail-if-any", async () => {
    const run = await awsblog(["dlq", "inspect", "--file", "-", "-o", "json", "--fail-if-any"], { input: readFileSync(fixture("destination-records.jsonl"), "utf8") });
    expect(run.code).toBe(3);
    const result = run.json<{ summary: Record<string, number>; messages: { class: string }[] }>();
    expect(result.summary).toEqual({ timeout: 1, crash: 0, misconfig: 1, "handler-error": 1, unknown: 0 });
  });

  it("exits 2 on unreadable input and on contradictory flags", async () => {
    const garbage = await awsblog(["dlq", "inspect", "--file", "-"], { input: '{"hello":"world"}' });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toBe(
      "awsblog: stdin document 1: not a format dlq inspect knows — pass an SQS ReceiveMessage response, an SNS notification or Lambda SNS event, or Lambda on-failure destination records\n",
    );
    const missing = await awsblog(["dlq", "inspect", "--file", "/nonexistent/dlq.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^awsblog: --file: cannot read \/nonexistent\/dlq.json \(ENOENT\)/);
    const both = await awsblog(["dlq", "inspect", "--file", "-", "--queue-url", "https://sqs.us-east-1.amazonaws.com/1/q"]);
    expect(both.code).toBe(2);
    const logs = await awsblog(["dlq", "inspect", "--file", "-", "--logs"]);
    expect(logs.code).toBe(2);
    expect(logs.stderr).toMatch(/--function is required/);
  });

  it("refuses a deeply nested document with one usage line (exit 2), not a stack overflow", async () => {
    const depth = 20_000;
    const run = await awsblog(["dlq", "inspect", "--file", "-"], { input: "[".repeat(depth) + "]".repeat(depth) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^awsblog: stdin document 1: JSON nested deeper than \d+ levels — .+\n$/);
  });

  it("keeps a deeply nested message body as text instead of failing to print it", async () => {
    const body = "[".repeat(20_000) + "]".repeat(20_000);
    const saved = { Messages: [{ MessageId: "m1", Body: body, MessageAttributes: { ErrorMessage: { DataType: "String", StringValue: "Error: boom" } } }] };
    const run = await awsblog(["dlq", "inspect", "--file", "-", "-o", "json"], { input: JSON.stringify(saved) });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.json<{ messages: { body: unknown; class: string }[] }>().messages).toEqual([expect.objectContaining({ body, class: "handler-error" })]);
  });
});
