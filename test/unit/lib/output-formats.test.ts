import { describe, expect, it } from "vitest";
import { createOutput, type OutputOptions } from "../../../src/lib/output.js";
import { renderTable } from "../../../src/lib/table.js";
import { awsblog } from "../../helpers/in-process.js";

function make(overrides: Partial<OutputOptions> = {}) {
  const chunks: string[] = [];
  const stdout = { isTTY: false, write: (chunk: string) => chunks.push(chunk) };
  const out = createOutput({ format: "text", quiet: false, color: false, debug: false, stdout, stderr: stdout, env: {}, ...overrides });
  return { out, text: () => chunks.join("") };
}

const RESULT = {
  scanned: 2,
  violations: [
    { instanceId: "i-1", state: "running", missing: ["Team"] },
    { instanceId: "i-22", state: "stopped", missing: [], untagged: true },
  ],
};

describe("--output yaml|table and --query", () => {
  it("yaml: the JSON form as YAML", async () => {
    const { out, text } = make({ format: "yaml" });
    await out.prepare();
    out.result({ a: 1, when: new Date("2026-01-02T03:04:05Z"), list: ["x"] }, "ignored text");
    expect(text()).toBe("a: 1\nwhen: 2026-01-02T03:04:05.000Z\nlist:\n  - x\n");
  });

  it("table: aligned columns for arrays of objects, key/value rows for scalars", async () => {
    const { out, text } = make({ format: "table" });
    await out.prepare();
    out.result(RESULT, "ignored text");
    expect(text()).toBe(
      [
        "scanned  2",
        "",
        "violations:",
        "instanceId  state    missing   untagged",
        'i-1         running  ["Team"]  -',
        "i-22        stopped  []        true",
        "",
      ].join("\n"),
    );
  });

  it("table falls back to YAML for shapes that are not tables", async () => {
    expect(renderTable({ deep: { nested: { x: 1 } } })).toBeUndefined();
    const { out, text } = make({ format: "table" });
    await out.prepare();
    out.result({ deep: { nested: { x: 1 } } });
    expect(text()).toBe("deep:\n  nested:\n    x: 1\n");
  });

  it("--query filters the JSON form and implies JSON with the text format", async () => {
    const { out, text } = make({ query: "violations[?state=='running'].instanceId" });
    await out.prepare();
    expect(out.format).toBe("json");
    out.result(RESULT, "text form");
    expect(JSON.parse(text())).toEqual(["i-1"]);
  });

  it("--query with yaml, and on each JSON Line of a stream", async () => {
    const yaml = make({ format: "yaml", query: "scanned" });
    await yaml.out.prepare();
    yaml.out.result(RESULT);
    expect(yaml.text()).toBe("2\n");
    const lines = make({ format: "json", query: "n" });
    await lines.out.prepare();
    lines.out.line({ n: 1 });
    lines.out.line({ n: 2 });
    expect(lines.text()).toBe("1\n2\n");
  });

  it("a bad --query is a usage error (exit 2) before the command runs", async () => {
    let calls = 0;
    const run = await awsblog(["approve", "--token", "t", "--query", "[[bad"], {
      services: { sfn: async () => ({ sendTaskSuccess: async () => void calls++, sendTaskFailure: async () => {}, sendTaskHeartbeat: async () => {} }) },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^awsblog: --query "\[\[bad" is not a JMESPath expression: .* — see https:\/\/jmespath\.site/);
    expect(calls).toBe(0);
  });

  it("end to end: approve -o yaml, -o table and --query", async () => {
    const services = { sfn: async () => ({ sendTaskSuccess: async () => {}, sendTaskFailure: async () => {}, sendTaskHeartbeat: async () => {} }) };
    expect((await awsblog(["approve", "--token", "t", "-o", "yaml"], { services })).stdout).toBe("action: approve\nok: true\n");
    expect((await awsblog(["approve", "--token", "t", "-o", "table"], { services })).stdout).toBe("action  approve\nok      true\n");
    expect((await awsblog(["approve", "--token", "t", "--query", "action"], { services })).stdout).toBe('"approve"\n');
    const bad = await awsblog(["approve", "--token", "t", "-o", "xml"], { services });
    expect(bad.code).toBe(2);
  });
});
