import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * Each command group's doc lists the IAM actions for every AWS operation its lib/aws module
 * sends: a new SDK command in the code without its permission in the doc fails here.
 */
const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");

/** SDK command → IAM action, where the names differ. */
const ACTION: Record<string, string> = {
  "sqs:SendMessageBatch": "sqs:SendMessage",
  "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
  "lambda:Invoke": "lambda:InvokeFunction",
  "sns:PublishBatch": "sns:Publish",
  // S3's multipart calls are all authorised by s3:PutObject; HeadObject by s3:GetObject.
  "s3:CreateMultipartUpload": "s3:PutObject",
  "s3:UploadPart": "s3:PutObject",
  "s3:CompleteMultipartUpload": "s3:PutObject",
  "s3:HeadObject": "s3:GetObject",
};

/** Operations a module defines that no command calls (none today would need a permission). */
const UNUSED = new Set<string>([]);

function actionsSent(module: string, prefix: string): string[] {
  // A paginator (`paginateDescribeInstances(`) sends its operation as surely as `new …Command(`.
  const names = [...read(module).matchAll(/new (\w+)Command\(|\bpaginate(\w+)\(/g)].map((m) => `${prefix}:${m[1] ?? m[2]}`);
  return [...new Set(names)].map((name) => ACTION[name] ?? name).filter((name) => !UNUSED.has(name));
}

const DOCS: [doc: string, modules: [string, string][]][] = [
  ["docs/approval.md", [["src/lib/aws/sfn.ts", "states"], ["src/lib/aws/ses.ts", "ses"]]],
  ["docs/dlq.md", [["src/lib/aws/sqs.ts", "sqs"], ["src/lib/aws/lambda.ts", "lambda"], ["src/lib/aws/logs.ts", "logs"], ["src/lib/aws/sns.ts", "sns"]]],
  ["docs/package.md", [["src/lib/aws/lambda-deploy.ts", "lambda"], ["src/lib/aws/s3.ts", "s3"]]],
  [
    "docs/tags.md",
    [
      ["src/lib/aws/ec2.ts", "ec2"],
      ["src/lib/aws/cloudtrail.ts", "cloudtrail"],
      ["src/lib/aws/organizations.ts", "organizations"],
      ["src/lib/aws/tagging.ts", "tag"],
      ["src/lib/aws/dynamodb.ts", "dynamodb"],
      ["src/lib/aws/sts-caller.ts", "sts"],
      ["src/lib/aws/lambda-schedule.ts", "lambda"],
      ["src/lib/aws/eventbridge.ts", "events"],
      ["src/lib/aws/sfn-deploy.ts", "states"],
    ],
  ],
  ["docs/pipeline.md", [["src/lib/aws/codepipeline.ts", "codepipeline"], ["src/lib/aws/codebuild.ts", "codebuild"], ["src/lib/aws/log-tail.ts", "logs"]]],
];

describe("IAM permissions in the docs", () => {
  it.each(DOCS)("%s lists every action its commands' AWS modules send", (doc, modules) => {
    const text = read(doc);
    const section = text.slice(text.indexOf("IAM permissions"));
    expect(text).toContain("IAM permissions");
    const actions = modules.flatMap(([module, prefix]) => actionsSent(module, prefix));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => !section.includes(action))).toEqual([]);
  });

  it("deploy's CreateFunction names iam:PassRole", () => {
    expect(read("docs/package.md")).toMatch(/iam:PassRole/);
  });
});
