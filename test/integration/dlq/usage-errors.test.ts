import { describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";

const DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/fn-dlq";
const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:fn-dlq";

/** No AWS API may be touched: every case is refused before the first call. */
const untouchable = {
  sqs: async () => {
    throw new Error("SQS must not be called for a usage error");
  },
  lambda: async () => {
    throw new Error("Lambda must not be called for a usage error");
  },
};

describe("dlq usage errors: exit 2, one line, with what to do", () => {
  it.each([
    [["dlq", "inspect"], /exactly one of --queue-url or --file/],
    [["dlq", "inspect", "--queue-url", "my-dlq"], /--queue-url is not a URL/],
    [["dlq", "inspect", "--queue-url", DLQ, "--function", "bad name!"], /--function is not a Lambda function name or ARN/],
    [["dlq", "inspect", "--queue-url", DLQ, "--max", "0"], /--max must be a whole number/],
    [["dlq", "redrive", "--queue-url", DLQ], /exactly one of --to <queue-url\|topic-arn> or --invoke/],
    [["dlq", "redrive", "--queue-url", DLQ, "--invoke", "fn:with:too:many"], /--invoke is not a Lambda function name or ARN/],
    [["dlq", "redrive", "--queue-url", DLQ, "--to", "https://queue.amazonaws.com/123456789012/fn-dlq"], /--to is the DLQ itself/],
    [["dlq", "configure", "--function", "fn"], /exactly one of --target-arn <arn> or --remove/],
    [["dlq", "configure", "--function", "fn", "--target-arn", `${QUEUE_ARN}.fifo`], /FIFO/],
    [["dlq", "configure", "--function", "bad name!", "--remove"], /--function is not a Lambda function name or ARN/],
  ])("%j", async (args, message) => {
    const run = await awsblog(args, { services: untouchable });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^awsblog: [^\n]+ — [^\n]+\n$/);
  });
});
