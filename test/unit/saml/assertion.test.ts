import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/lib/errors.js";
import { parseSamlResponse } from "../../../src/lib/saml/assertion.js";
import { chooseRoles, profileName } from "../../../src/lib/saml/roles.js";
import { buildSamlResponse, makeSigningKey, PROVIDER_ARN, roleArn, samlResponse, verifySignedAssertion } from "../../../doubles/saml/signer.js";

const key = makeSigningKey();
const NOW = new Date("2026-12-02T04:00:00Z");
const b64 = (xml: string) => Buffer.from(xml).toString("base64");

function refusal(input: string, now = NOW): string {
  try {
    parseSamlResponse(input, now);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("parsed, expected a refusal");
}

describe("parseSamlResponse", () => {
  it("reads subject, issuer, time window, SessionDuration and roles in both orders from a signed response", () => {
    const response = samlResponse({
      key,
      now: NOW,
      subject: "EXAMPLE\\jane",
      sessionDuration: 7200,
      roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`, `${PROVIDER_ARN},${roleArn("ADFS-Prod", "210987654321")}`],
    });
    expect(verifySignedAssertion(response, key.publicKey).ok).toBe(true);
    const parsed = parseSamlResponse(response, NOW);
    expect(parsed.subject).toBe("EXAMPLE\\jane");
    expect(parsed.issuer).toBe("http://adfs.example.test/adfs/services/trust");
    expect(parsed.notOnOrAfter?.toISOString()).toBe("2026-12-02T04:05:00.000Z");
    expect(parsed.sessionDuration).toBe(7200);
    expect(parsed.audiences).toEqual(["urn:amazon:webservices"]);
    expect(parsed.roles).toEqual([
      { roleArn: roleArn("ADFS-Dev"), principalArn: PROVIDER_ARN, accountId: "123456789012", roleName: "ADFS-Dev" },
      { roleArn: roleArn("ADFS-Prod", "210987654321"), principalArn: PROVIDER_ARN, accountId: "210987654321", roleName: "ADFS-Prod" },
    ]);
    expect(parsed.base64).toBe(response);
  });

  it("accepts the value URL-encoded, wrapped over lines, or as a whole form body", () => {
    const response = samlResponse({ key, now: NOW });
    const wrapped = response.replace(/(.{76})/g, "$1\n");
    expect(parseSamlResponse(encodeURIComponent(response), NOW).base64).toBe(response);
    expect(parseSamlResponse(wrapped, NOW).base64).toBe(response);
    expect(parseSamlResponse(`RelayState=x&SAMLResponse=${encodeURIComponent(response)}`, NOW).base64).toBe(response);
  });

  it("refuses an expired assertion, judged by the pinned clock", () => {
    const response = samlResponse({ key, now: NOW });
    expect(parseSamlResponse(response, new Date(NOW.getTime() + 4 * 60_000)).roles).toHaveLength(1);
    expect(refusal(response, new Date(NOW.getTime() + 5 * 60_000))).toMatch(/expired at 2026-12-02T04:05:00.000Z/);
  });

  it("refuses a status other than Success, with the IdP's message", () => {
    const response = samlResponse({ key, now: NOW, status: "urn:oasis:names:tc:SAML:2.0:status:Responder", statusMessage: "no\u001b[31m access" });
    const message = refusal(response);
    expect(message).toMatch(/status Responder: no\?\[31m access/);
    expect(message).not.toContain("\u001b");
  });

  it("refuses non-base64, non-XML and non-SAML input", () => {
    expect(refusal("not base64 at all!")).toMatch(/not base64/);
    expect(refusal(b64("hello world"))).toMatch(/does not decode to XML/);
    expect(refusal(b64("<html><body>sign in</body></html>"))).toMatch(/not a SAML 2.0 Response \(root element html\)/);
    expect(refusal(b64("<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'>"))).toMatch(/not well-formed XML/);
    expect(refusal("")).toMatch(/empty/);
  });

  it("refuses a DOCTYPE (no entity is ever expanded) and a document with two roots (CVE-2022-39353)", () => {
    const xml = buildSamlResponse({ now: NOW });
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml.replace("EXAMPLE\\jane", "&x;")}`;
    expect(refusal(b64(xxe))).toMatch(/DOCTYPE/);
    expect(refusal(b64(`${xml}<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`))).toMatch(/root|well-formed/);
  });

  it("refuses a Role value that is not a role/provider pair", () => {
    expect(refusal(samlResponse({ key, now: NOW, roles: [roleArn("Dev")] }))).toMatch(/is not "<role ARN>,<SAML provider ARN>"/);
    expect(refusal(samlResponse({ key, now: NOW, roles: [`${roleArn("A")},${roleArn("B")}`] }))).toMatch(/Role attribute value/);
  });

  it("ignores a SessionDuration outside 900–43200", () => {
    expect(parseSamlResponse(samlResponse({ key, now: NOW, sessionDuration: 60 }), NOW).sessionDuration).toBeUndefined();
    expect(parseSamlResponse(samlResponse({ key, now: NOW, sessionDuration: "abc" }), NOW).sessionDuration).toBeUndefined();
  });
});

describe("verifySignedAssertion (the test double's check)", () => {
  it("fails a tampered assertion and a foreign key", () => {
    const response = samlResponse({ key, now: NOW });
    const tampered = b64(Buffer.from(response, "base64").toString().replace("ADFS-Dev", "ADFS-Adm"));
    expect(verifySignedAssertion(tampered, key.publicKey)).toMatchObject({ ok: false });
    expect(verifySignedAssertion(response, makeSigningKey().publicKey)).toMatchObject({ ok: false });
    expect(verifySignedAssertion(samlResponse({ key, now: NOW, unsigned: true }), key.publicKey)).toMatchObject({ ok: false, reason: "assertion not signed" });
  });
});

describe("chooseRoles", () => {
  const roles = parseSamlResponse(
    samlResponse({ key, now: NOW, roles: [`${roleArn("Dev")},${PROVIDER_ARN}`, `${roleArn("DevOps")},${PROVIDER_ARN}`, `${roleArn("Dev", "210987654321")},${providerArn2()}`] }),
    NOW,
  ).roles;

  it("matches --role by exact name, never by substring", () => {
    expect(chooseRoles(roles, { roles: ["DevOps"] })?.map((r) => r.roleArn)).toEqual([roleArn("DevOps")]);
    expect(() => chooseRoles(roles, { roles: ["Ops"] })).toThrow(/--role Ops is not among/);
    expect(() => chooseRoles(roles, { roles: ["Dev"] })).toThrow(/names a role in 2 accounts/);
  });

  it("takes --role-arn, --all-roles, the only role, or asks", () => {
    expect(chooseRoles(roles, { roleArn: roleArn("Dev", "210987654321") })).toHaveLength(1);
    expect(() => chooseRoles(roles, { roleArn: roleArn("Admin") })).toThrow(/not among the assertion's roles/);
    expect(chooseRoles(roles, { allRoles: true })).toHaveLength(3);
    expect(chooseRoles(roles.slice(0, 1), {})).toHaveLength(1);
    expect(chooseRoles(roles, {})).toBeUndefined();
  });

  it("names profiles from a template", () => {
    expect(profileName("{account}-{role}", roles[0]!)).toBe("123456789012-Dev");
  });
});

function providerArn2(): string {
  return "arn:aws:iam::210987654321:saml-provider/ADFS";
}
