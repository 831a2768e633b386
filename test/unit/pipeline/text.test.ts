import { describe, expect, it } from "vitest";
import { checkExecutionId, checkName, parseActionType } from "../../../src/lib/pipeline/names.js";
import { age, table } from "../../../src/lib/pipeline/text.js";
import { ONE_LINE, sanitizeForTerminal } from "../../../src/lib/terminal.js";

const clean = (value: string | undefined, max?: number) => sanitizeForTerminal(value, max === undefined ? ONE_LINE : { max, oneLine: true });

describe("echoed values are made safe for a terminal", () => {
  it("sanitizeForTerminal (one line) removes escape sequences, control and bidi characters, and caps the length", () => {
    expect(clean("\u001b[31mred\u001b[0m ok")).toBe("red ok");
    expect(clean("title\u001b]0;pwned\u0007 set")).toBe("title set");
    expect(clean("a\u202eb\u0000c\u009bd")).toBe("abc"); // 0x9b is an 8-bit CSI: "d" is its final byte
    expect(clean("a\u202eb\u0000c\u0085d")).toBe("abcd");
    expect(clean("line1\nline2\tx")).toBe("line1 line2 x");
    expect(clean("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
    expect(clean(undefined)).toBe("");
  });


  it("age and table", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    expect(age(new Date("2026-12-01T11:59:15Z"), now)).toBe("45s");
    expect(age(new Date("2026-12-01T11:48:00Z"), now)).toBe("12m");
    expect(age(new Date("2026-12-01T09:00:00Z"), now)).toBe("3h");
    expect(age(new Date("2026-11-29T12:00:00Z"), now)).toBe("2d");
    expect(age(undefined, now)).toBe("-");
    expect(table(["A", "B"], [["x\u001b[2J", "1"], ["long", "2"]])).toBe("A     B\nx     1\nlong  2");
  });
});

describe("names and action types are checked before any call", () => {
  it("accepts CodePipeline names and refuses others with a hint", () => {
    expect(checkName("my-pipe.v2@x_1", "--pipeline")).toBe("my-pipe.v2@x_1");
    expect(() => checkName("has space", "--pipeline")).toThrow(/--pipeline "has space" is not a CodePipeline name/);
    expect(() => checkName("x".repeat(101), "--stage")).toThrow(/not a CodePipeline name/);
    expect(() => checkName(undefined, "<pipeline>")).toThrow(/<pipeline> is required/);
    expect(() => checkExecutionId("nope")).toThrow(/is not a pipeline execution id/);
  });

  it("parses Category/Owner/Provider/Version of a custom action only", () => {
    expect(parseActionType("Test/Custom/IntegrationTests/1")).toEqual({ category: "Test", owner: "Custom", provider: "IntegrationTests", version: "1" });
    expect(() => parseActionType("Test/AWS/CodeBuild/1")).toThrow(/only custom actions/);
    expect(() => parseActionType("Tests/Custom/X/1")).toThrow(/is not Category\/Owner\/Provider\/Version/);
    expect(() => parseActionType("Test/Custom/X")).toThrow(/is not Category/);
  });
});
