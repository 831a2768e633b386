import { generateKeyPairSync, randomUUID } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";
import * as xpath from "xpath";

/**
 * SAML test assertions signed at test time with a real XML-DSig implementation (xml-crypto)
 * and a throwaway RSA key made in memory — nothing to commit, nothing to regenerate.
 */
export interface SigningKey {
  privateKey: string;
  publicKey: string;
}

export function makeSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKey, publicKey };
}

export const ACCOUNT = "123456789012";
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/ADFS`;
export const roleArn = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
export const providerArn = (account = ACCOUNT) => `arn:aws:iam::${account}:saml-provider/ADFS`;

export interface AssertionOptions {
  now: Date;
  /** Role attribute values as sent; default one ADFS-Dev role in `role,provider` order. */
  roles?: string[];
  subject?: string;
  issuer?: string;
  audience?: string;
  sessionDuration?: number | string;
  /** Minutes the assertion is valid for (default 5, as AD FS). */
  validMinutes?: number;
  status?: string;
  statusMessage?: string;
}

export function buildSamlResponse(options: AssertionOptions): string {
  const now = options.now;
  const issued = now.toISOString();
  const expires = new Date(now.getTime() + (options.validMinutes ?? 5) * 60_000).toISOString();
  const roles = options.roles ?? [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`];
  const status = options.status ?? "urn:oasis:names:tc:SAML:2.0:status:Success";
  const issuer = options.issuer ?? "http://adfs.example.test/adfs/services/trust";
  const attr = (name: string, values: string[]) =>
    `<Attribute Name="${name}">${values.map((v) => `<AttributeValue>${escapeXml(v)}</AttributeValue>`).join("")}</Attribute>`;
  const duration = options.sessionDuration === undefined ? "" : attr("https://aws.amazon.com/SAML/Attributes/SessionDuration", [String(options.sessionDuration)]);
  const assertion =
    status.endsWith(":Success")
      ? `<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${randomUUID()}" IssueInstant="${issued}" Version="2.0">` +
        `<Issuer>${escapeXml(issuer)}</Issuer>` +
        `<Subject><NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${escapeXml(options.subject ?? "EXAMPLE\\jane")}</NameID>` +
        `<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData NotOnOrAfter="${expires}" Recipient="https://signin.aws.amazon.com/saml"/></SubjectConfirmation></Subject>` +
        `<Conditions NotBefore="${issued}" NotOnOrAfter="${expires}"><AudienceRestriction><Audience>${escapeXml(options.audience ?? "urn:amazon:webservices")}</Audience></AudienceRestriction></Conditions>` +
        `<AttributeStatement>${attr("https://aws.amazon.com/SAML/Attributes/RoleSessionName", ["jane@example.test"])}${attr("https://aws.amazon.com/SAML/Attributes/Role", roles)}${duration}</AttributeStatement>` +
        `<AuthnStatement AuthnInstant="${issued}" SessionIndex="_${randomUUID()}"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef></AuthnContext></AuthnStatement>` +
        `</Assertion>`
      : "";
  const message = options.statusMessage ? `<samlp:StatusMessage>${escapeXml(options.statusMessage)}</samlp:StatusMessage>` : "";
  return (
    `<samlp:Response ID="_${randomUUID()}" Version="2.0" IssueInstant="${issued}" Destination="https://signin.aws.amazon.com/saml" Consent="urn:oasis:names:tc:SAML:2.0:consent:unspecified" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${escapeXml(issuer)}</Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${status}"/>${message}</samlp:Status>` +
    assertion +
    `</samlp:Response>`
  );
}

/** Signs the Assertion (enveloped, exclusive C14N, RSA-SHA256), as AD FS does by default. */
export function signAssertion(xml: string, key: SigningKey): string {
  const sig = new SignedXml({
    privateKey: key.privateKey,
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
    signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  });
  sig.addReference({
    xpath: "//*[local-name(.)='Assertion']",
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
    transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
  });
  sig.computeSignature(xml, {
    location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: "after" },
  });
  return sig.getSignedXml();
}

/** A signed SAMLResponse as the IdP posts it (base64). */
export function samlResponse(options: AssertionOptions & { key: SigningKey; unsigned?: boolean }): string {
  const xml = buildSamlResponse(options);
  const signed = options.unsigned || !xml.includes("<Assertion") ? xml : signAssertion(xml, options.key);
  return Buffer.from(signed, "utf8").toString("base64");
}

export type SignatureCheck = { ok: true; assertion: Document } | { ok: false; reason: string };

/**
 * Checks an assertion's signature the way a service provider must: exactly one Assertion,
 * signed by this key, the signature's reference pointing at that Assertion's ID (no wrapping),
 * and the claims read from the signed bytes only.
 */
export function verifySignedAssertion(base64: string, publicKey: string): SignatureCheck {
  const xml = Buffer.from(base64, "base64").toString("utf8");
  let doc: Document;
  try {
    doc = new DOMParser().parseFromString(xml, "text/xml") as unknown as Document;
  } catch (error) {
    return { ok: false, reason: `malformed: ${(error as Error).message}` };
  }
  const assertions = xpath.select("//*[local-name(.)='Assertion' and namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:assertion']", doc) as Element[];
  if (assertions.length !== 1) return { ok: false, reason: `${assertions.length} assertions` };
  const signatures = xpath.select("./*[local-name(.)='Signature' and namespace-uri(.)='http://www.w3.org/2000/09/xmldsig#']", assertions[0]!) as Node[];
  if (signatures.length !== 1) return { ok: false, reason: "assertion not signed" };
  const sig = new SignedXml({ publicCert: publicKey });
  sig.loadSignature(signatures[0]!);
  let valid = false;
  try {
    valid = sig.checkSignature(xml);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  if (!valid) return { ok: false, reason: "signature invalid" };
  const signed = sig.getSignedReferences();
  if (signed.length !== 1) return { ok: false, reason: "unexpected references" };
  const signedDoc = new DOMParser().parseFromString(signed[0]!, "text/xml") as unknown as Document;
  const root = signedDoc.documentElement;
  if (root?.localName !== "Assertion" || root.getAttribute("ID") !== assertions[0]!.getAttribute("ID")) {
    return { ok: false, reason: "signature does not cover the assertion" };
  }
  return { ok: true, assertion: signedDoc };
}

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
