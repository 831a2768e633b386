import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as xpath from "xpath";
import { verifySignedAssertion } from "./signer.js";

/**
 * STS AssumeRoleWithSAML as AWS answers it, for the checks moto skips: the assertion's
 * signature against the SAML provider's key, its time window, the audience, that the Role
 * attribute pairs this role with this provider, and the role's MaxSessionDuration. Speaks the
 * query protocol (form-encoded POST, XML answers, real error codes) so the real SDK client
 * talks to it unchanged.
 */
export interface StsDoubleRole {
  /** The SAML providers this role's trust policy allows. */
  trusts: string[];
  maxSessionDuration?: number;
}

export interface StsDoubleOptions {
  /** SAML provider ARN → the IdP's signing public key (its metadata). */
  providers: Record<string, string>;
  roles: Record<string, StsDoubleRole>;
  now: () => Date;
}

export interface StsRequest {
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  /** The error code answered, or "ok". */
  outcome: string;
  /** What an "ok" answer issued (for the federation double and credential checks). */
  issued?: IssuedCredentials;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

export interface StsDouble {
  url: string;
  requests: StsRequest[];
  stop(): Promise<void>;
}

const AUDIENCES = ["urn:amazon:webservices", "https://signin.aws.amazon.com/saml"];
const XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

class StsFault extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

export async function startStsDouble(options: StsDoubleOptions): Promise<StsDouble> {
  const requests: StsRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const record: StsRequest = { headers: req.headers, params, outcome: "ok" };
      requests.push(record);
      const requestId = randomUUID();
      try {
        const { xml: result, issued } = assume(params, options);
        record.issued = issued;
        res.writeHead(200, { "content-type": "text/xml", "x-amzn-requestid": requestId });
        res.end(
          `<AssumeRoleWithSAMLResponse xmlns="${XMLNS}"><AssumeRoleWithSAMLResult>${result}</AssumeRoleWithSAMLResult>` +
            `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleWithSAMLResponse>`,
        );
      } catch (error) {
        const fault = error instanceof StsFault ? error : new StsFault("InternalFailure", String(error), 500);
        record.outcome = fault.code;
        res.writeHead(fault.status, { "content-type": "text/xml", "x-amzn-requestid": requestId });
        res.end(
          `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${escape(fault.message)}</Message></Error>` +
            `<RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function assume(params: Record<string, string>, options: StsDoubleOptions): { xml: string; issued: IssuedCredentials } {
  if (params.Action !== "AssumeRoleWithSAML") throw new StsFault("InvalidAction", `Could not find operation ${params.Action ?? ""} for version 2011-06-15`);
  const { RoleArn: roleArn, PrincipalArn: principalArn, SAMLAssertion: assertion } = params;
  if (!roleArn || !principalArn || !assertion) throw new StsFault("MissingParameter", "The request must contain RoleArn, PrincipalArn and SAMLAssertion");
  const duration = Number(params.DurationSeconds ?? 3600);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
    throw new StsFault("ValidationError", `1 validation error detected: Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`);
  }
  const key = options.providers[principalArn];
  if (!key) throw new StsFault("InvalidIdentityToken", "Specified provider doesn't exist");
  const check = verifySignedAssertion(assertion, key);
  if (!check.ok) throw new StsFault("InvalidIdentityToken", `Response signature invalid (${check.reason})`);
  const doc = check.assertion;
  const now = options.now();
  const value = (expr: string) => (xpath.select(`string(${expr})`, doc) as string).trim();
  const expires = [value("//*[local-name()='SubjectConfirmationData']/@NotOnOrAfter"), value("//*[local-name()='Conditions']/@NotOnOrAfter")].filter(Boolean);
  for (const when of expires) {
    if (now.getTime() >= new Date(when).getTime()) {
      throw new StsFault("ExpiredTokenException", `Token expired: current date/time ${now.toISOString()} must be before the expiration date/time ${when}`);
    }
  }
  const audiences = (xpath.select("//*[local-name()='Audience']", doc) as Node[]).map((n) => (n.textContent ?? "").trim());
  if (!audiences.some((a) => AUDIENCES.includes(a))) throw new StsFault("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML (audience)", 403);
  const pairs = (xpath.select("//*[local-name()='Attribute'][@Name='https://aws.amazon.com/SAML/Attributes/Role']/*[local-name()='AttributeValue']", doc) as Node[]).map((n) =>
    (n.textContent ?? "").split(",").map((p) => p.trim()),
  );
  if (!pairs.some((p) => p.includes(roleArn) && p.includes(principalArn))) {
    throw new StsFault("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403);
  }
  const role = options.roles[roleArn];
  if (!role || !role.trusts.includes(principalArn)) throw new StsFault("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403);
  if (duration > (role.maxSessionDuration ?? 3600)) {
    throw new StsFault("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  const subject = value("//*[local-name()='NameID']");
  const roleName = roleArn.split("/").pop()!;
  const account = roleArn.split(":")[4]!;
  const expiration = new Date(now.getTime() + duration * 1000).toISOString();
  const issued = {
    accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: `FwoGZXIvYXdzE${randomBytes(90).toString("base64")}`,
    expiration,
  };
  const xml =
    `<Issuer>${escape(value("//*[local-name()='Issuer']"))}</Issuer>` +
    `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${escape(subject)}</Arn><AssumedRoleId>AROA${randomBytes(8).toString("hex").toUpperCase()}:${escape(subject)}</AssumedRoleId></AssumedRoleUser>` +
    `<Credentials><AccessKeyId>${issued.accessKeyId}</AccessKeyId><SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>` +
    `<SessionToken>${issued.sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
    `<Audience>https://signin.aws.amazon.com/saml</Audience><SubjectType>transient</SubjectType><NameQualifier>${randomBytes(20).toString("base64")}</NameQualifier>` +
    `<Subject>${escape(subject)}</Subject><PackedPolicySize>6</PackedPolicySize>`;
  return { xml, issued };
}

function escape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
