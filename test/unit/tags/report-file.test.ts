import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkReportPath, openReport } from "../../../src/lib/tags/report-file.js";

const dir = mkdtempSync(join(tmpdir(), "awsblog-report-"));

describe("--report files", () => {
  it("CSV: header, quoted cells, formula-looking cells kept as text, rows appended per write", async () => {
    const path = join(dir, "r.csv");
    const report = await openReport(path, ["accountId", "instanceId", "error"]);
    await report.write([{ accountId: "111111111111", instanceId: "i-1", error: null }]);
    await report.write([{ accountId: "222222222222", instanceId: "", error: 'STS AssumeRole failed: AccessDenied (role "x", y)' }, { accountId: "3", instanceId: "=HYPERLINK(1)", error: null }]);
    await report.close();
    expect(readFileSync(path, "utf8")).toBe(
      'accountId,instanceId,error\n111111111111,i-1,\n222222222222,,"STS AssumeRole failed: AccessDenied (role ""x"", y)"\n3,\'=HYPERLINK(1),\n',
    );
  });

  it("JSON: an array of row objects with every column (null when absent); empty run → []", async () => {
    const path = join(dir, "r.json");
    const report = await openReport(path, ["accountId", "region"]);
    await report.write([{ accountId: "1" }]);
    await report.write([{ accountId: "2", region: "eu-west-1" }]);
    await report.close();
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual([{ accountId: "1", region: null }, { accountId: "2", region: "eu-west-1" }]);
    const empty = join(dir, "empty.json");
    await (await openReport(empty, ["a"])).close();
    expect(JSON.parse(readFileSync(empty, "utf8"))).toEqual([]);
  });

  it("JSON Lines (.jsonl): one object per row, written per write; an empty run is an empty file", async () => {
    const path = join(dir, "r.jsonl");
    const report = await openReport(path, ["accountId", "region"]);
    await report.write([{ accountId: "1" }]);
    expect(readFileSync(path, "utf8")).toBe('{"accountId":"1","region":null}\n');
    await report.write([{ accountId: "2", region: "eu-west-1" }]);
    await report.close();
    expect(readFileSync(path, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l))).toEqual([{ accountId: "1", region: null }, { accountId: "2", region: "eu-west-1" }]);
    const empty = join(dir, "empty.jsonl");
    await (await openReport(empty, ["a"])).close();
    expect(readFileSync(empty, "utf8")).toBe("");
  });

  it("refuses other extensions, missing folders and directories before anything runs", async () => {
    await expect(checkReportPath(join(dir, "r.txt"))).rejects.toThrow(/must end in .csv, .json or .jsonl/);
    await expect(checkReportPath(join(dir, "nope", "r.csv"))).rejects.toThrow(/folder .* does not exist/);
    await expect(checkReportPath(join(dir, "."))).rejects.toThrow(/must end in .csv, .json or .jsonl/);
  });
});
