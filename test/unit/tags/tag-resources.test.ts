import { describe, expect, it } from "vitest";
import type { Ec2Api } from "../../../src/lib/aws/ec2.js";
import type { TaggingApi } from "../../../src/lib/aws/tagging.js";
import { AwsError } from "../../../src/lib/errors.js";
import { executeActions } from "../../../src/lib/tags/execute.js";
import type { EnforceAction } from "../../../src/lib/tags/plan.js";
import { arnInfo, parseResourceTypes } from "../../../src/lib/tags/resource-types.js";
import { fakeClock } from "./fake-clock.js";

const noEc2 = {} as Ec2Api;
const arn = (n: number) => `arn:aws:lambda:us-east-1:111111111111:function:fn-${n}`;
const tag = (id: string, tagKey: string, value: string): EnforceAction => ({ instanceId: id, action: "tag", tagKey, value, reason: "missing", result: "planned", resourceType: "lambda:function", arn: id });

function recordingApi(fail: (arns: string[]) => { arn: string; code: string; message: string; statusCode?: number }[] | Error = () => []) {
  const calls: { arns: string[]; tags: Record<string, string> }[] = [];
  const api: TaggingApi = {
    async *getResources() {},
    async tagResources(arns, tags) {
      calls.push({ arns, tags });
      const out = fail(arns);
      if (out instanceof Error) throw out;
      return out;
    },
    async untagResources() {
      return [];
    },
  };
  return { api, calls };
}

describe("TagResources batches", () => {
  it("one call per identical tag set, at most 20 ARNs each; one resource's fixes go in one call", async () => {
    const actions: EnforceAction[] = [];
    // 45 functions need {ProjectCode: P, CreatedBy: alice}; 3 need {ProjectCode: P, CreatedBy: bob}.
    for (let n = 0; n < 45; n++) actions.push(tag(arn(n), "ProjectCode", "P"), tag(arn(n), "CreatedBy", "alice"));
    for (let n = 45; n < 48; n++) actions.push(tag(arn(n), "CreatedBy", "bob"), tag(arn(n), "ProjectCode", "P"));
    const { api, calls } = recordingApi();
    await executeActions(actions, { ec2: noEc2, tagging: async () => api, clock: fakeClock(0) });
    expect(calls.map((c) => [c.arns.length, c.tags])).toEqual([
      [20, { ProjectCode: "P", CreatedBy: "alice" }],
      [20, { ProjectCode: "P", CreatedBy: "alice" }],
      [5, { ProjectCode: "P", CreatedBy: "alice" }],
      [3, { CreatedBy: "bob", ProjectCode: "P" }],
    ]);
    expect(actions.every((a) => a.result === "done")).toBe(true);
  });

  it("FailedResourcesMap fails that resource's actions alone; a denied call fails its resources with the AWS error", async () => {
    const actions = [tag(arn(1), "A", "1"), tag(arn(2), "A", "1"), tag(arn(2), "B", "2"), tag(arn(3), "C", "3")];
    const { api } = recordingApi((arns) =>
      arns.includes(arn(3)) ? new AwsError("ResourceGroupsTaggingAPI", "TagResources", "AccessDeniedException", "not authorized to perform: tag:TagResources") : arns.includes(arn(2)) ? [] : [{ arn: arn(1), code: "InvalidParameterException", message: "bad tag", statusCode: 400 }],
    );
    await executeActions(actions, { ec2: noEc2, tagging: async () => api, clock: fakeClock(0) });
    expect(actions.map((a) => [a.instanceId.slice(-4), a.tagKey, a.result])).toEqual([
      ["fn-1", "A", "failed"],
      ["fn-2", "A", "done"],
      ["fn-2", "B", "done"],
      ["fn-3", "C", "failed"],
    ]);
    expect(actions[0]!.error).toBe("TagResources failed for this resource: InvalidParameterException (HTTP 400): bad tag");
    expect(actions[3]!.error).toMatch(/not authorized to perform: tag:TagResources/);
  });
});

describe("--resource-types", () => {
  it("defaults to instances only (today's output); all and lists parse; ARNs name their type", () => {
    expect(parseResourceTypes(undefined)).toEqual({ instances: true, filters: [], others: false, explicit: false });
    expect(parseResourceTypes(["all"])).toMatchObject({ instances: true, filters: [], others: true });
    expect(parseResourceTypes(["s3", "dynamodb:table"])).toMatchObject({ instances: false, filters: ["s3", "dynamodb:table"], others: true });
    expect(parseResourceTypes(["ec2:instance", "s3"])).toMatchObject({ instances: true, filters: ["s3"] });
    expect(() => parseResourceTypes(["all", "s3"])).toThrow(/cannot be combined/);
    expect(arnInfo("arn:aws:s3:::ledger")).toMatchObject({ resourceType: "s3:bucket", name: "ledger" });
    expect(arnInfo("arn:aws:lambda:us-east-1:1:function:thumbs")).toMatchObject({ resourceType: "lambda:function", name: "thumbs" });
    expect(arnInfo("arn:aws:dynamodb:us-east-1:1:table/orders")).toMatchObject({ resourceType: "dynamodb:table", name: "orders" });
    expect(arnInfo("arn:aws:sqs:us-east-1:1:jobs")).toMatchObject({ resourceType: "sqs:queue", name: "jobs" });
    expect(arnInfo("arn:aws:rds:us-east-1:1:db:main")).toMatchObject({ resourceType: "rds:db", name: "main" });
  });
});
