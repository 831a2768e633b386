import { describe, expect, it } from "vitest";
import { backoffMs, isTransient } from "../../../src/lib/retry.js";

const backoffDelay = (failures: number, random: () => number) =>
  backoffMs(failures - 1, { baseMs: 1_000, capMs: 60_000, minMs: 1_000, random });
import { UndeliverableTaskError, approvalEmail, recipientOf } from "../../../src/lib/approval/email.js";
import { escapeHtml } from "../../../src/lib/approval/html.js";
import { approvalLinks, isInsecureBaseUrl, parseBaseUrl } from "../../../src/lib/approval/links.js";
import { AwsError, FailureError, UsageError } from "../../../src/lib/errors.js";

describe("approval links", () => {
  it("append /succeed and /fail to the base path with the token URL-encoded", () => {
    const links = approvalLinks(parseBaseUrl("https://abc.execute-api.us-east-1.amazonaws.com/respond/"), "a+b/c=&d");
    expect(links).toEqual({
      approveUrl: "https://abc.execute-api.us-east-1.amazonaws.com/respond/succeed?taskToken=a%2Bb%2Fc%3D%26d",
      rejectUrl: "https://abc.execute-api.us-east-1.amazonaws.com/respond/fail?taskToken=a%2Bb%2Fc%3D%26d",
    });
    expect(approvalLinks(parseBaseUrl("http://127.0.0.1:8080"), "t").approveUrl).toBe("http://127.0.0.1:8080/succeed?taskToken=t");
  });

  it("refuse base URLs that are not absolute http(s) without query", () => {
    for (const bad of ["example.com", "ftp://example.com", "https://x.com/?a=1", "https://x.com/#f", "https://u:p@x.com"]) {
      expect(() => parseBaseUrl(bad), bad).toThrow(UsageError);
    }
  });

  it("flag plain http to another host as insecure", () => {
    expect(isInsecureBaseUrl(parseBaseUrl("http://approvals.example.com"))).toBe(true);
    expect(isInsecureBaseUrl(parseBaseUrl("http://127.0.0.1:8080"))).toBe(false);
    expect(isInsecureBaseUrl(parseBaseUrl("https://approvals.example.com"))).toBe(false);
  });
});

describe("approval email", () => {
  const links = { approveUrl: "https://a.example/succeed?taskToken=T%2B", rejectUrl: "https://a.example/fail?taskToken=T%2B" };

  it("takes one address from the field and refuses anything else", () => {
    expect(recipientOf({ managerEmailAddress: " ana@example.com " }, "managerEmailAddress")).toBe("ana@example.com");
    for (const input of [{}, { managerEmailAddress: 3 }, { managerEmailAddress: "a@x.com, b@y.com" }, { managerEmailAddress: "a@x.com\r\nBcc: e@v.il" }, "text"]) {
      expect(() => recipientOf(input, "managerEmailAddress"), JSON.stringify(input)).toThrow(UndeliverableTaskError);
    }
  });

  it("escapes every input value in the HTML part and keeps the subject on one line", () => {
    const mail = approvalEmail({ employeeName: "Eve\r\nBcc: x", note: '<img src=x onerror="alert(1)">' }, links);
    expect(mail.subject).toBe("Your approval is needed: Eve Bcc: x");
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(mail.text).toContain("Approve: https://a.example/succeed?taskToken=T%2B");
    expect(mail.text).toContain("nothing is decided until you press its button");
  });

  it("escapes the five HTML specials and the backtick", () => {
    expect(escapeHtml(`<a href="x" title='y'>&\``)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;");
  });
});

describe("worker backoff", () => {
  it("grows from 1 s and is capped at 60 s", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(30, () => 1)).toBe(60_000);
    expect(backoffDelay(30, () => 0)).toBe(1000);
  });

  it("treats throttling, 5xx, timeouts and network failures as transient, and nothing else", () => {
    const sdk = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    expect(isTransient(new AwsError("StepFunctions", "GetActivityTask", "ThrottlingException", ""))).toBe(true);
    expect(isTransient(sdk("InternalFailure", 500))).toBe(true);
    expect(isTransient(new FailureError("x", undefined, { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }))).toBe(true);
    expect(isTransient(Object.assign(new Error("t"), { name: "TimeoutError" }))).toBe(true);
    expect(isTransient(new AwsError("StepFunctions", "GetActivityTask", "AccessDeniedException", "", undefined, { cause: sdk("AccessDeniedException", 400) }))).toBe(false);
    expect(isTransient(new UsageError("no region"))).toBe(false);
  });
});

describe("approval MIME message", () => {
  it("carries both bodies base64-encoded, a UTF-8 subject as folded encoded words, CRLF lines", async () => {
    const { buildMime } = await import("../../../src/lib/approval/mime.js");
    const { readMime } = await import("./read-mime.js");
    const raw = buildMime({ from: "a@example.com", to: "b@example.com", subject: "Zoë’s promotion", text: "t ✓", html: "<p>h ✓</p>" });
    const text = raw.toString("utf8");
    expect(text).toContain("Subject: =?UTF-8?B?");
    expect(text.split("\r\n").every((line) => line.length <= 998)).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");
    const mail = readMime(raw);
    expect(mail).toMatchObject({ subject: "Zoë’s promotion", text: "t ✓", html: "<p>h ✓</p>" });

    const long = "Approval für Jürgen ✓ ".repeat(12);
    const folded = buildMime({ from: "a@example.com", to: "b@example.com", subject: long, text: "", html: "" }).toString("utf8");
    expect(folded.split("\r\n").every((line) => line.length <= 78)).toBe(true);
    expect(readMime(Buffer.from(folded)).subject).toBe(long);
  });
});
