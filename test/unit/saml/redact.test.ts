import { describe, expect, it } from "vitest";
import { redact, summarize } from "../../../src/lib/redact.js";

describe("redact (SAML shapes)", () => {
  it("hides the assertion, the Logins map, secret keys and session tokens, by key", () => {
    const input = {
      RoleArn: "arn:aws:iam::123456789012:role/Dev",
      SAMLAssertion: "PHNhbWxwOlJlc3BvbnNl",
      Logins: { "arn:aws:iam::123456789012:saml-provider/ADFS": "PHNhbWxwOlJlc3BvbnNl" },
      Credentials: { AccessKeyId: "ASIA", SecretKey: "s", SessionToken: "t" },
      SecretAccessKey: "s",
      Password: "p",
    };
    expect(redact(input)).toEqual({ RoleArn: input.RoleArn, SAMLAssertion: "***", Logins: "***", Credentials: "***", SecretAccessKey: "***", Password: "***" });
  });

  it("hides a SAMLResponse inside form bodies and URLs", () => {
    expect(summarize("RelayState=x&SAMLResponse=PHNhbWxw%2BOlJl&y=1")).toBe('"RelayState=x&SAMLResponse=***&y=1"');
    expect(redact("https://sp/acs?SAMLAssertion=abc")).toBe("https://sp/acs?SAMLAssertion=***");
  });
});
