import { describe, expect, it } from "vitest";
import { toAwsblogError } from "../../../src/lib/aws/errors.js";
import { AwsError, FailureError, formatError, UsageError, exitCodeOf } from "../../../src/lib/errors.js";
import { redact, summarize } from "../../../src/lib/redact.js";

function sdkError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe("AWS error mapping", () => {
  it("names the service, operation and AWS error code in one line (exit 1)", () => {
    const error = toAwsblogError(sdkError("AccessDeniedException", "User is not authorized\nmore"), "StepFunctions", "SendTaskSuccess");
    expect(error).toBeInstanceOf(AwsError);
    expect(formatError(error)).toBe(
      "awsblog: StepFunctions SendTaskSuccess failed: AccessDeniedException (User is not authorized) — check the IAM permissions of these credentials",
    );
    expect(exitCodeOf(error)).toBe(1);
  });

  it("a missing region is a usage error (exit 2) that says how to set one", () => {
    const error = toAwsblogError(new Error("Region is missing"), "SQS", "ReceiveMessage");
    expect(error).toBeInstanceOf(UsageError);
    expect(formatError(error)).toMatch(/no AWS region is configured — pass --region/);
  });

  it("missing credentials are a usage error with the ways to provide them", () => {
    const error = toAwsblogError(sdkError("CredentialsProviderError", "Could not load credentials from any providers"), "EC2", "DescribeInstances");
    expect(exitCodeOf(error)).toBe(2);
    expect(formatError(error)).toMatch(/no AWS credentials found — set AWS_PROFILE/);
  });

  it("network failures say what could not be reached", () => {
    const error = toAwsblogError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "SNS", "Publish");
    expect(error).toBeInstanceOf(FailureError);
    expect(formatError(error)).toBe("awsblog: SNS Publish: could not reach the AWS endpoint (ECONNREFUSED) — check your network or --endpoint-url");
  });

  it("throttling gets a hint; 5xx suggests a retry", () => {
    expect(formatError(toAwsblogError(sdkError("ThrottlingException", "Rate exceeded"), "CloudTrail", "LookupEvents"))).toMatch(/throttling/);
    expect(formatError(toAwsblogError(sdkError("InternalFailure", "oops", 500), "SQS", "SendMessage"))).toMatch(/internal error; retry/);
  });

  it("unexpected errors point at --debug", () => {
    expect(formatError(new TypeError("x is undefined"))).toBe("awsblog: unexpected error: x is undefined — rerun with --debug for details");
  });
});

describe("redaction", () => {
  it("hides tokens, passwords and secrets at any depth and keeps the rest", () => {
    const input = {
      taskToken: "T",
      output: '{"ok":true}',
      AuthParameters: { USERNAME: "john", PASSWORD: "p", SRP_A: "abc", SECRET_HASH: "h" },
      ChallengeResponses: { PASSWORD_CLAIM_SIGNATURE: "s", SOFTWARE_TOKEN_MFA_CODE: "123456" },
      Session: "sess",
      list: [{ ClientSecret: "c", name: "n" }],
    };
    const text = summarize(input, 10_000);
    for (const secret of ['"T"', '"p"', '"abc"', '"h"', '"s"', '"123456"', '"sess"', '"c"']) expect(text).not.toContain(secret);
    expect(summarize({ Body: "Approve: https://x/succeed?taskToken=AAA%2Bb&z=1" })).toBe(
      '{"Body":"Approve: https://x/succeed?taskToken=***&z=1"}',
    );
    expect(redact(input)).toMatchObject({ output: '{"ok":true}', AuthParameters: { USERNAME: "john" }, list: [{ name: "n" }] });
  });
});
