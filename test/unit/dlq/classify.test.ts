import { describe, expect, it } from "vitest";
import { classifyFailure, isFailureClass, summarize } from "../../../src/lib/dlq/classify.js";

describe("classifyFailure", () => {
  it.each([
    ["2016-11-29T04:27:36.789Z b4797725-b5eb-11e6-acb2-17876a085622 Task timed out after 300.00 seconds", "timeout"],
    ["Process exited before completing request", "crash"],
    ["RequestId: x Error: Runtime exited with error: signal: killed Runtime.ExitError", "crash"],
    ["RequestId: x Error: Runtime exited with error: exit status 129", "crash"],
    ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "crash"],
    ["Runtime.OutOfMemory", "crash"],
    ["Cannot find module '/var/task/index'", "misconfig"],
    ["Error: Cannot find module 'sharp'\nRequire stack:\n- /var/task/index.js", "misconfig"],
    ["index.handler is undefined or not exported", "misconfig"],
    ["Unable to import module 'app': No module named 'requests'", "misconfig"],
    ["Handler 'handle' missing on module 'app'", "misconfig"],
    ["Error: image is not a JPEG", "handler-error"],
    ["Cannot read properties of undefined (reading 'width')", "handler-error"],
  ])("%s → %s", (errorMessage, expected) => {
    expect(classifyFailure({ errorMessage, errorCode: "200" }).class).toBe(expected);
  });

  it("reads the function's timeout from the message", () => {
    expect(classifyFailure({ errorMessage: "x Task timed out after 300.00 seconds" })).toEqual({ class: "timeout", timeoutSeconds: 300 });
    expect(classifyFailure({ errorMessage: "Task timed out after 3.01 seconds" }).timeoutSeconds).toBe(3.01);
  });

  it("trusts a destination record's errorType over the message text", () => {
    expect(classifyFailure({ errorType: "Runtime.ImportModuleError", errorMessage: "Error: something" }).class).toBe("misconfig");
    expect(classifyFailure({ errorType: "Runtime.HandlerNotFound", errorMessage: "" }).class).toBe("misconfig");
    expect(classifyFailure({ errorType: "Sandbox.Timedout", errorMessage: "" }).class).toBe("timeout");
    expect(classifyFailure({ errorType: "TypeError", errorMessage: "" }).class).toBe("handler-error");
  });

  it("calls a message without any error information unknown", () => {
    expect(classifyFailure({}).class).toBe("unknown");
    expect(classifyFailure({ errorMessage: "  ", errorCode: "200" }).class).toBe("unknown");
  });

  it("checks class names and counts every class, zeros included", () => {
    expect(isFailureClass("handler-error")).toBe(true);
    expect(isFailureClass("oom")).toBe(false);
    expect(summarize(["crash", "crash", "unknown"])).toEqual({ timeout: 0, crash: 2, misconfig: 0, "handler-error": 0, unknown: 1 });
  });
});
