import { describe, expect, it } from "vitest";
import { errorAnnotation, escapeData, escapeProperty, summaryMarkdown } from "../../../src/lib/pipeline/github.js";

describe("GitHub Actions workflow commands", () => {
  it("escapes a message as the runner reads it: % first, then CR and LF", () => {
    expect(escapeData("50%\r\ndone\n%0A")).toBe("50%25%0D%0Adone%0A%250A");
    expect(escapeProperty("Build/Unit: a, b")).toBe("Build/Unit%3A a%2C b");
  });

  it("one ::error line per failed action, whatever the message holds", () => {
    const line = errorAnnotation({ stage: "Beta", action: "Smoke:1", summary: "line one\r\nline two", logTail: ["a", "b"] });
    expect(line).toBe("::error title=Beta/Smoke%3A1 failed::line one%0D%0Aline two%0Alast log lines:%0Aa%0Ab");
    expect(line.split("\n")).toHaveLength(1);
  });

  it("the summary's table cells cannot break the table or the code fence", () => {
    const md = summaryMarkdown({
      pipeline: "p",
      executionId: "id",
      status: "Failed",
      stages: [{ stage: "A|B", status: "Failed", running: [], startTime: new Date(0), endTime: new Date(125_000) }],
      failedActions: [{ stage: "A|B", action: "x", summary: "bad\nthing", logTail: ["```rm -rf```"] }],
    });
    expect(md).toContain("| A\\|B | Failed | 2m 5s |");
    expect(md).toContain("- **A\\|B/x**: bad thing");
    expect(md.match(/```/g)).toHaveLength(2);
  });
});
