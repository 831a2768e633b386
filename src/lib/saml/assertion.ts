import { DOMParser } from "@xmldom/xmldom";
import * as xpath from "xpath";
import { UsageError } from "../errors.js";
import { parseRolePair, type SamlRole } from "./roles.js";
import { clipValue } from "../terminal.js";

/**
 * A SAMLResponse as the IdP posts it, decoded and checked locally before anything is sent to
 * AWS. The signature is AWS's to check (it holds the IdP's metadata); here we refuse what AWS
 * would refuse anyway and what should never be parsed: DOCTYPEs (entity expansion), documents
 * with several roots (CVE-2022-39353), non-Success statuses, expired assertions.
 */
export interface SamlAssertion {
  /** The base64 text to send to AWS (whitespace and URL encoding removed). */
  base64: string;
  issuer?: string;
  subject?: string;
  /** The earliest NotOnOrAfter of the subject confirmation and the conditions. */
  notOnOrAfter?: Date;
  notBefore?: Date;
  /** `https://aws.amazon.com/SAML/Attributes/SessionDuration`, seconds. */
  sessionDuration?: number;
  audiences: string[];
  roles: SamlRole[];
}

const NS = {
  samlp: "urn:oasis:names:tc:SAML:2.0:protocol",
  saml: "urn:oasis:names:tc:SAML:2.0:assertion",
};
const ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role";
const DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
/** STS accepts SAMLAssertion values of at most 100,000 characters. */
export const MAX_ASSERTION_CHARS = 100_000;
/** Clocks differ; an assertion a little ahead of us is still fine (AWS allows the same). */
const NOT_BEFORE_SKEW_MS = 5 * 60_000;

const select = xpath.useNamespaces(NS);
const NOT_SAML = "pass the SAMLResponse form value the IdP posts (base64), @file or - for stdin";

/** base64 text (URL-encoded, with line breaks, or a whole `SAMLResponse=…` form body) → clean base64. */
export function normalizeSamlResponse(input: string): string {
  let text = input.trim();
  const formField = /(?:^|&)SAMLResponse=([^&]*)/.exec(text);
  if (formField) text = formField[1] ?? "";
  if (/%[0-9a-f]{2}/i.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw new UsageError("the SAMLResponse is not valid URL encoding", NOT_SAML);
    }
  }
  text = text.replace(/\s+/g, "");
  if (text === "") throw new UsageError("the SAMLResponse is empty", NOT_SAML);
  if (text.length > MAX_ASSERTION_CHARS) {
    throw new UsageError(`the SAMLResponse is ${text.length} characters; STS accepts at most ${MAX_ASSERTION_CHARS}`, "ask the IdP admin to send fewer attributes");
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1) {
    throw new UsageError("the SAMLResponse is not base64", NOT_SAML);
  }
  return text;
}

/** Decodes and checks a SAMLResponse; `now` is the clock the expiry is judged by. */
export function parseSamlResponse(input: string, now: Date): SamlAssertion {
  const base64 = normalizeSamlResponse(input);
  const xml = Buffer.from(base64, "base64").toString("utf8");
  const doc = parseXml(xml);
  const root = doc.documentElement;
  if (!root || root.localName !== "Response" || root.namespaceURI !== NS.samlp) {
    throw new UsageError(`the SAMLResponse is not a SAML 2.0 Response (root element ${describe(root)})`, NOT_SAML);
  }
  const status = attr(first("/samlp:Response/samlp:Status/samlp:StatusCode", doc), "Value");
  if (status !== SUCCESS) {
    const message = text(first("/samlp:Response/samlp:Status/samlp:StatusMessage", doc));
    throw new UsageError(
      `the IdP's SAMLResponse says sign-in did not succeed (status ${shortStatus(status)}${message ? `: ${clipValue(message, 120)}` : ""})`,
      "sign in again; if it keeps failing, ask the IdP admin to check the AWS relying party",
    );
  }
  if (first("/samlp:Response/saml:EncryptedAssertion", doc)) {
    throw new UsageError("the SAMLResponse holds an encrypted assertion; awsblog cannot read its roles", "ask the IdP admin to turn off assertion encryption for the AWS relying party");
  }
  const assertions = select("/samlp:Response/saml:Assertion", doc) as Element[];
  if (assertions.length !== 1) {
    throw new UsageError(`the SAMLResponse holds ${assertions.length} assertions, expected exactly one`, NOT_SAML);
  }
  const assertion = assertions[0]!;

  const times = [
    ...(select("saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData/@NotOnOrAfter", assertion) as Attr[]),
    ...(select("saml:Conditions/@NotOnOrAfter", assertion) as Attr[]),
  ].map((a) => parseTime(a.value, "NotOnOrAfter"));
  const notOnOrAfter = times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : undefined;
  const notBeforeAttr = first("saml:Conditions/@NotBefore", assertion) as Attr | undefined;
  const notBefore = notBeforeAttr ? parseTime(notBeforeAttr.value, "NotBefore") : undefined;
  if (notOnOrAfter && now.getTime() >= notOnOrAfter.getTime()) {
    throw new UsageError(`the SAML assertion expired at ${notOnOrAfter.toISOString()}`, "sign in to the IdP again (assertions are valid for about 5 minutes)");
  }
  if (notBefore && now.getTime() + NOT_BEFORE_SKEW_MS < notBefore.getTime()) {
    throw new UsageError(`the SAML assertion is not valid before ${notBefore.toISOString()}`, "check this machine's clock");
  }

  const roleValues = attributeValues(assertion, ROLE_ATTRIBUTE);
  const roles = roleValues.map((value) => parseRolePair(value));
  const durationText = attributeValues(assertion, DURATION_ATTRIBUTE)[0];
  let sessionDuration: number | undefined;
  if (durationText !== undefined) {
    const n = Number(durationText);
    if (/^\d+$/.test(durationText) && n >= 900 && n <= 43_200) sessionDuration = n;
  }
  return {
    base64,
    issuer: text(first("saml:Issuer", assertion)) || text(first("/samlp:Response/saml:Issuer", doc)) || undefined,
    subject: text(first("saml:Subject/saml:NameID", assertion)) || undefined,
    notOnOrAfter,
    notBefore,
    sessionDuration,
    audiences: (select("saml:Conditions/saml:AudienceRestriction/saml:Audience", assertion) as Node[]).map(text),
    roles,
  };
}

/** Parses XML refusing DOCTYPEs and anything xmldom reports as an error; one root only. */
export function parseXml(xml: string): Document {
  const start = xml.replace(/^\uFEFF/, "").trimStart();
  if (!start.startsWith("<")) throw new UsageError("the SAMLResponse does not decode to XML", NOT_SAML);
  // xmldom never fetches external entities, but a DOCTYPE has no business in a SAMLResponse
  // (entity expansion, XXE on other parsers downstream): refuse it outright, as AWS does.
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw new UsageError("the SAMLResponse contains a DOCTYPE; refusing to parse it", "a genuine IdP never sends one: sign in again");
  }
  let problem: string | undefined;
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== "warning") problem ??= message;
      },
    }).parseFromString(xml, "text/xml") as unknown as Document;
  } catch (error) {
    problem ??= (error as Error).message;
    doc = undefined as never;
  }
  if (problem || !doc) throw new UsageError(`the SAMLResponse is not well-formed XML (${clipValue(firstLine(problem ?? "no document"), 120)})`, NOT_SAML);
  const roots = Array.from(doc.childNodes as unknown as ArrayLike<Node>).filter((n) => n.nodeType === 1);
  if (roots.length !== 1) {
    throw new UsageError(`the SAMLResponse has ${roots.length} root elements; a SAML document has exactly one`, "refusing it (CVE-2022-39353): sign in again");
  }
  return doc;
}

function attributeValues(assertion: Element, name: string): string[] {
  const nodes = select(`saml:AttributeStatement/saml:Attribute[@Name='${name}']/saml:AttributeValue`, assertion) as Node[];
  return nodes.map(text).filter((v) => v !== "");
}

function first(expr: string, node: Node): Node | undefined {
  return (select(expr, node) as Node[])[0];
}

function attr(node: Node | undefined, name: string): string | undefined {
  return node && (node as Element).getAttribute ? ((node as Element).getAttribute(name) ?? undefined) : undefined;
}

function text(node: Node | undefined): string {
  return (node?.textContent ?? "").trim();
}

function parseTime(value: string, what: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`the SAML assertion's ${what} "${clipValue(value, 120)}" is not a date`, NOT_SAML);
  }
  return date;
}

function shortStatus(status: string | undefined): string {
  return status ? status.replace(/^urn:oasis:names:tc:SAML:2\.0:status:/, "") : "missing";
}

function describe(root: Element | null): string {
  if (!root) return "none";
  return `${clipValue(root.localName ?? root.nodeName, 120)}${root.namespaceURI ? ` in ${clipValue(root.namespaceURI, 120)}` : ""}`;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}

