import { request, type IncomingMessage, type ServerResponse } from "node:http";
import { readBody } from "../doubles/aws-json.js";

/**
 * Small loopback proxies in front of moto, so one endpoint per service serves the CLI:
 * STS sends the SAML exchange to the checking double, Cognito's SRP answer is put right.
 */
function forward(req: IncomingMessage, res: ServerResponse, body: string, base: string, rewrite?: (answer: string) => string): void {
  const target = new URL(req.url ?? "/", base);
  const headers = { ...req.headers, host: target.host };
  const upstream = request(target, { method: req.method, headers }, (answer) => {
    if (!rewrite) {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      return;
    }
    void readBody(answer).then((text) => {
      const out = rewrite(text);
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "content-length": Buffer.byteLength(out) });
      res.end(out);
    });
  });
  upstream.on("error", (error) => {
    res.writeHead(502, { "content-type": "text/plain" });
    res.end(`playground router: ${error.message}`);
  });
  upstream.end(body);
}

/** STS: AssumeRoleWithSAML to the SAML-checking double, every other action to moto. */
export function stsRouter(samlUrl: string, motoUrl: string) {
  return (req: IncomingMessage, res: ServerResponse) =>
    void readBody(req).then((body) => forward(req, res, body, new URLSearchParams(body).get("Action") === "AssumeRoleWithSAML" ? samlUrl : motoUrl));
}

/**
 * Cognito user pools, all to moto, with one answer put right: for a pool without alias
 * attributes AWS's SRP challenge names the user by its username (USER_ID_FOR_SRP), where
 * moto 5.2.1 sends the sub and then does not find the user by it.
 */
export function cognitoRouter(motoUrl: string) {
  return (req: IncomingMessage, res: ServerResponse) =>
    void readBody(req).then((body) => {
      const srp = String(req.headers["x-amz-target"]).endsWith(".InitiateAuth");
      forward(req, res, body, motoUrl, srp ? srpUsername : undefined);
    });
}

function srpUsername(answer: string): string {
  try {
    const parsed = JSON.parse(answer) as { ChallengeName?: string; ChallengeParameters?: Record<string, string> };
    const params = parsed.ChallengeParameters;
    if (parsed.ChallengeName !== "PASSWORD_VERIFIER" || !params?.USERNAME) return answer;
    return JSON.stringify({ ...parsed, ChallengeParameters: { ...params, USER_ID_FOR_SRP: params.USERNAME } });
  } catch {
    return answer;
  }
}
