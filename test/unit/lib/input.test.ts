import { describe, expect, it } from "vitest";
import { formatError } from "../../../src/lib/errors.js";
import { collect, parseJsonArg, positiveInt, readTextArg } from "../../../src/lib/input.js";

describe("flag parsers", () => {
  it("positiveInt accepts whole numbers in range and says what to pass otherwise (exit 2)", () => {
    const parse = positiveInt("--max", { max: 100 });
    expect(parse("42")).toBe(42);
    for (const bad of ["0", "101", "1.5", "ten", "-3", ""]) {
      let error: unknown;
      try {
        parse(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ exitCode: 2 });
      expect(formatError(error)).toBe(`awsblog: --max must be a whole number from 1 to 100, got "${bad}" — e.g. --max 1`);
    }
  });

  it("collect gathers a repeatable flag", () => {
    expect(collect("b", collect("a"))).toEqual(["a", "b"]);
  });

  it("readTextArg reads @file and names the flag when the file is missing", async () => {
    await expect(readTextArg("@/nonexistent/x.json", "--input")).rejects.toMatchObject({
      exitCode: 2,
      message: "--input: cannot read /nonexistent/x.json (ENOENT)",
    });
    expect(await readTextArg("inline", "--input")).toBe("inline");
  });

  it("parseJsonArg names the flag on bad JSON", () => {
    expect(parseJsonArg('{"a":1}', "--event")).toEqual({ a: 1 });
    expect(() => parseJsonArg("{a", "--event")).toThrow(/^--event is not valid JSON/);
  });
});
