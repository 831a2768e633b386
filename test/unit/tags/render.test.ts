import { describe, expect, it } from "vitest";
import type { EnforceAction } from "../../../src/lib/tags/plan.js";
import { actionLine, notificationMessage } from "../../../src/lib/tags/render.js";

const tag = (n: number): EnforceAction => ({ instanceId: `i-${String(n).padStart(17, "0")}`, action: "tag", tagKey: "CreatedBy", value: "arn:aws:sts::123456789012:assumed-role/Admin/someone@example.com", reason: "missing", result: "done" });

describe("notificationMessage", () => {
  it("has one line per action, like the post's mail", () => {
    const message = notificationMessage(3, [tag(1), { instanceId: "i-2", action: "terminate", reason: "untagged", result: "failed", error: "termination protection is on" }], []);
    expect(message.split("\n")).toEqual([
      "The following tagging policy violations were found and handled:",
      `-- Instance ${tag(1).instanceId} missing tag CreatedBy: set to "${tag(1).value}" — done`,
      "-- Instance i-2 has no tags: terminate — FAILED (termination protection is on)",
      "",
      "scanned 3 instance(s), 2 action(s): 1 done, 1 failed",
    ]);
  });

  it("stays under SNS's 256 KiB limit and says how many lines were left out", () => {
    const actions = Array.from({ length: 5000 }, (_, i) => tag(i));
    const message = notificationMessage(5000, actions, []);
    expect(Buffer.byteLength(message)).toBeLessThan(256 * 1024);
    const kept = message.split("\n").filter((l) => l.startsWith("-- Instance")).length;
    expect(message).toContain(`-- … and ${5000 - kept} more`);
    expect(kept).toBeGreaterThan(1000);
    expect(actionLine(actions[0]!)).toMatch(/— done$/);
  });
});
