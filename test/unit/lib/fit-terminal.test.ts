import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fitColumns, renderTable } from "../../../src/lib/table.js";
import type { Finding, TagFix } from "../../../src/lib/tags/evaluate.js";
import { scanText } from "../../../src/lib/tags/render.js";
import { awsblog } from "../../helpers/in-process.js";

/** Text tables fit a terminal's width; into a file or a pipe nothing is cut. */
// eslint-disable-next-line no-control-regex -- colour codes take no columns
const widest = (text: string) => Math.max(...text.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((line) => [...line].length));
const RECORDS = fileURLToPath(new URL("../../fixtures/dlq/destination-records.jsonl", import.meta.url));

const fix = (tagKey: string, value: string | null): TagFix => ({ tagKey, value, action: value === null ? "UserLookup" : "Update" });
const findings: Finding[] = [
  { instanceId: "i-0123456789abcdef0", vpcId: "vpc-0ab84f3d10bfb6114", state: "running", untagged: false, missing: ["CreatedBy"], empty: ["ProjectCode", "Expires"], planned: [fix("ProjectCode", "Proj007"), fix("CreatedBy", null), fix("Expires", "2027-01-05")] },
  { instanceId: "i-0fedcba9876543210", vpcId: "vpc-0ab84f3d10bfb6114", state: "stopped", untagged: false, missing: ["ProjectCode", "CreatedBy"], empty: [], planned: [fix("ProjectCode", "Proj007"), fix("CreatedBy", null)] },
];

describe("text tables on a terminal", () => {
  it("tags scan fits 80, 100 and 120 columns; instance and VPC ids stay whole", () => {
    expect(widest(scanText(2, findings))).toBeGreaterThan(120); // the whole table, as into a file
    for (const width of [80, 100, 120]) {
      const text = scanText(2, findings, width);
      expect(widest(text)).toBeLessThanOrEqual(width);
      expect(text).toContain("i-0123456789abcdef0  vpc-0ab84f3d10bfb6114");
    }
    // A column that had to go is named, so nobody thinks there is nothing more.
    expect(scanText(2, findings, 80)).toMatch(/\n\(PLANNED FIXES left out to fit the terminal; -o json has all\)\nscanned 2 instance/);
    expect(scanText(2, findings)).toContain("CreatedBy=<creator from CloudTrail>");
  });

  it("dlq inspect fits 80, 100 and 120 columns; at 80 each error goes below its message", async () => {
    const piped = await awsblog(["dlq", "inspect", "--file", RECORDS]);
    expect(widest(piped.stdout)).toBeGreaterThan(120);
    for (const columns of [80, 100, 120]) {
      const run = await awsblog(["dlq", "inspect", "--file", RECORDS], { tty: true, columns, env: { NO_COLOR: "1" } });
      expect(run.code).toBe(0);
      expect(widest(run.stdout)).toBeLessThanOrEqual(columns);
      expect(run.stdout).toContain("e4b46cbf-b738-xmpl-8880-a18cdf61200e");
    }
    const narrow = await awsblog(["dlq", "inspect", "--file", RECORDS], { tty: true, columns: 80, env: { NO_COLOR: "1" } });
    expect(narrow.stdout).toMatch(/\n {4}Task timed out after 3\.00 seconds/);
  });

  it("fitColumns: shrink steps cut with …, drop steps remove, unnamed columns are never cut", () => {
    const rows = [
      ["ID", "NOTE"],
      ["arn:aws:states:us-east-1:123456789012:execution:approvals:0123456789abcdef", "a long note that can be cut without harm"],
    ];
    const fitted = fitColumns(rows, { width: 90, steps: [{ shrink: 1, min: 8 }] });
    expect(fitted.fits).toBe(true);
    expect(fitted.lines[1]).toBe("arn:aws:states:us-east-1:123456789012:execution:approvals:0123456789abcdef  a long note t…");
    expect([...fitted.lines[1]!].length).toBe(90);
    expect(fitColumns(rows, { width: 60, steps: [{ shrink: 1, min: 8 }] }).fits).toBe(false);
    expect(fitColumns(rows, { width: 60, steps: [{ drop: 1 }] }).dropped).toEqual(["NOTE"]);
  });
});

describe("-o table", () => {
  const arn = `arn:aws:states:us-east-1:123456789012:execution:approval-flow:${"x".repeat(60)}`;
  const data = { executions: [{ executionArn: arn, status: "RUNNING", note: "n".repeat(150) }] };

  it("into a file or a pipe keeps every value whole (no 80-character cut)", () => {
    const text = renderTable(data)!;
    expect(text).toContain(arn);
    expect(text).toContain("n".repeat(150));
  });

  it("on a terminal shrinks other columns and never cuts an ARN", () => {
    const text = renderTable(data, 160)!;
    expect(widest(text)).toBeLessThanOrEqual(160);
    expect(text).toContain(arn);
    expect(text).toMatch(/n…$/m);
  });

  it("end to end: -o table piped prints a DLQ error message longer than 80 characters whole", async () => {
    const run = await awsblog(["dlq", "inspect", "--file", RECORDS, "-o", "table"]);
    expect(run.code).toBe(0);
    const long = run.stdout.split("\n").flatMap((line) => line.split(/ {2,}/)).filter((cell) => cell.length > 80);
    expect(long.length).toBeGreaterThan(0);
    expect(run.stdout).not.toContain("…");
  });
});
