import { describe, expect, it } from "vitest";
import { AwsError, UsageError } from "../../../src/lib/errors.js";
import {
  explainTokenError,
  normalizeToken,
  validateLength,
  validateResult,
  validateToken,
} from "../../../src/lib/approval/task-token.js";

describe("task token input", () => {
  it("trims a pasted token and its trailing newline", () => {
    expect(normalizeToken("  AAAAKgAAAAIAAA==\n")).toBe("AAAAKgAAAAIAAA==");
  });

  it("takes the decoded token out of an approve link", () => {
    const link = "https://abc.execute-api.us-east-1.amazonaws.com/respond/succeed?taskToken=AA%2Bb%2F%3D%3D";
    expect(normalizeToken(link)).toBe("AA+b/==");
  });

  it("refuses a link without a taskToken", () => {
    expect(() => normalizeToken("https://example.com/succeed?x=1")).toThrow(UsageError);
  });

  it("accepts 1 to 2048 characters and refuses the rest with exit 2", () => {
    expect(validateToken("x".repeat(2048))).toHaveLength(2048);
    for (const bad of ["", "x".repeat(2049)]) {
      const error = captured(() => validateToken(bad));
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
    }
  });

  it("checks the result is JSON within 262,144 bytes, counted in UTF-8", () => {
    expect(validateResult('{"approved":true}')).toBe('{"approved":true}');
    expect(() => validateResult("{nope")).toThrow(/not valid JSON/);
    const multibyte = JSON.stringify("é".repeat(131_071)); // 262,142 bytes + 2 quotes = 262,144
    expect(validateResult(multibyte)).toBe(multibyte);
    expect(() => validateResult(JSON.stringify("é".repeat(131_072)))).toThrow(/262146 bytes/);
  });

  it("limits error and cause lengths", () => {
    expect(validateLength("e".repeat(256), "--error", 256)).toHaveLength(256);
    expect(() => validateLength("e".repeat(257), "--error", 256)).toThrow(/--error is 257 characters/);
  });
});

describe("explainTokenError", () => {
  it("explains stale tokens in plain words and keeps the AWS code", () => {
    const raw = new AwsError("StepFunctions", "SendTaskSuccess", "TaskDoesNotExist", "Task does not exist");
    const explained = explainTokenError(raw) as AwsError;
    expect(explained.code).toBe("TaskDoesNotExist");
    expect(explained.message).toContain("already decided, expired, or the token is not of this account/region");
    expect(explained.exitCode).toBe(1);
  });

  it("leaves other errors alone", () => {
    const other = new AwsError("StepFunctions", "SendTaskSuccess", "AccessDeniedException", "no");
    expect(explainTokenError(other)).toBe(other);
  });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
