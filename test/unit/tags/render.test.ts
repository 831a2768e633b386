import { describe, expect, it } from "vitest";
import type { EnforceAction } from "../../../src/lib/tags/plan.js";
import { actionLine, enforceText, notificationMessage, untaggedLine } from "../../../src/lib/tags/render.js";

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

describe("runs with other resource types", () => {
  const bucket = "arn:aws:s3:::reports-bucket";

  it("name resources, not instances, in the summary and in the untagged lines", () => {
    const text = enforceText(4, [{ instanceId: bucket, resourceType: "s3:bucket", action: "tag", tagKey: "ProjectCode", value: "P1", reason: "missing", result: "done" }], [{ instanceId: "arn:aws:sqs:us-east-1:123456789012:jobs", resourceType: "sqs:queue", vpcId: null, state: "-", autoScalingGroup: null }], false, "resource");
    expect(text.split("\n")).toEqual([
      "sqs:queue arn:aws:sqs:us-east-1:123456789012:jobs has no tags",
      `s3:bucket ${bucket} missing tag ProjectCode: set to "P1" — done`,
      "scanned 4 resource(s), 1 action(s): 1 done, 0 failed",
    ]);
    expect(notificationMessage(4, [], [], "resource")).toMatch(/\nscanned 4 resource\(s\), 0 action\(s\)/);
  });

  it("keep an instance's VPC and state in its untagged line", () => {
    expect(untaggedLine({ instanceId: "i-1", resourceType: "ec2:instance", vpcId: "vpc-1", state: "running", autoScalingGroup: null })).toBe("Instance i-1 (vpc-1, running) has no tags");
  });
});
