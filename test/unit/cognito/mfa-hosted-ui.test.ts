import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseSpan } from "../../../src/lib/cached-sign-in.js";
import { parseHostedUiDomain } from "../../../src/lib/cognito/hosted-ui.js";
import { canSetUpTotp, otpauthUri, preferenceFor } from "../../../src/lib/cognito/mfa.js";
import { readStdinLine } from "../../../src/lib/input.js";

describe("the pure parts of #23's Cognito verbs", () => {
  it("otpauthUri escapes the label and issuer as authenticator apps expect", () => {
    expect(otpauthUri("Example Blog", "jdoe@example.com", "JBSWY3DPEHPK3PXP")).toBe(
      "otpauth://totp/Example%20Blog:jdoe%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Blog&algorithm=SHA1&digits=6&period=30",
    );
  });

  it("preferenceFor: a preferred kind is enabled, off disables both; MFAS_CAN_SETUP in either form", () => {
    expect(preferenceFor("totp")).toEqual({ totp: { enabled: true, preferred: true } });
    expect(preferenceFor("sms")).toEqual({ sms: { enabled: true, preferred: true } });
    expect(preferenceFor("off")).toEqual({ totp: { enabled: false, preferred: false }, sms: { enabled: false, preferred: false } });
    expect(canSetUpTotp('["SMS_MFA","SOFTWARE_TOKEN_MFA"]')).toBe(true);
    expect(canSetUpTotp(["SMS_MFA"])).toBe(false);
    expect(canSetUpTotp(undefined)).toBe(true);
  });

  it("parseHostedUiDomain: a bare domain becomes https; http only for loopback; no paths", () => {
    expect(parseHostedUiDomain("myapp.auth.us-east-1.amazoncognito.com").href).toBe("https://myapp.auth.us-east-1.amazoncognito.com/");
    expect(parseHostedUiDomain("https://auth.example.com/").href).toBe("https://auth.example.com/");
    expect(parseHostedUiDomain("http://127.0.0.1:4000").href).toBe("http://127.0.0.1:4000/");
    expect(() => parseHostedUiDomain("http://auth.example.com")).toThrow(/must be https/);
    expect(() => parseHostedUiDomain("https://auth.example.com/oauth2/authorize")).toThrow(/more than a domain/);
    expect(() => parseHostedUiDomain("https://auth.example.com/?x=1")).toThrow(/more than a domain/);
  });

  it("parseSpan: seconds, minutes, hours, at most 12 h", () => {
    expect([parseSpan("900"), parseSpan("30s"), parseSpan("15m"), parseSpan("1h"), parseSpan("12h")]).toEqual([900_000, 30_000, 900_000, 3_600_000, 43_200_000]);
    expect([parseSpan("13h"), parseSpan("1d"), parseSpan("-5"), parseSpan("")]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("readStdinLine returns the first line as soon as it arrives, leaving the rest; stops on Ctrl-C and at its limit", async () => {
    const input = new PassThrough();
    const line = readStdinLine(input, "--code-stdin", 64, new AbortController().signal);
    input.write("123");
    input.write("456\r\nnext\n");
    await expect(line).resolves.toBe("123456");
    await expect(readStdinLine(input, "--code-stdin", 64, new AbortController().signal)).resolves.toBe("next");

    const stop = new AbortController();
    const waiting = readStdinLine(new PassThrough(), "--code-stdin", 64, stop.signal);
    stop.abort();
    await expect(waiting).rejects.toThrow(/interrupted/);

    const long = new PassThrough();
    const tooLong = readStdinLine(long, "--code-stdin", 8, new AbortController().signal);
    long.write("0123456789");
    await expect(tooLong).rejects.toThrow(/longer than 8 bytes/);
  });
});
