import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The AWS federation endpoint (signin.aws.amazon.com/federation) for `saml console`:
 * `Action=getSigninToken` checks the Session JSON ({sessionId, sessionKey, sessionToken}, all
 * strings, nothing else) against the sessions STS issued and answers {"SigninToken"}; a session
 * it does not know, long-term keys (AKIA…) or a SessionDuration outside 900–43200 are HTTP 400,
 * as the real endpoint answers. `Action=login` redirects to the Destination for a token it issued.
 */
export interface FederationSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface FederationRequest {
  action: string;
  method: string;
  /** The Session parameter, parsed; undefined when it was not JSON. */
  session?: unknown;
  sessionDuration?: string;
  status: number;
}

export interface FederationDouble {
  url: string;
  requests: FederationRequest[];
  /** Tokens issued, with the session each was issued for. */
  tokens: Map<string, FederationSession>;
  stop(): Promise<void>;
}

export async function startFederationDouble(options: { sessions: () => FederationSession[] }): Promise<FederationDouble> {
  const requests: FederationRequest[] = [];
  const tokens = new Map<string, FederationSession>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://federation");
    const action = url.searchParams.get("Action") ?? "";
    const record: FederationRequest = { action, method: req.method ?? "", status: 200 };
    requests.push(record);
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { "content-type": status === 200 ? "application/json" : "text/plain", ...headers });
      res.end(body);
    };
    if (url.pathname !== "/federation") return answer(404, "Not Found");
    if (action === "getSigninToken") {
      const duration = url.searchParams.get("SessionDuration");
      if (duration !== null) {
        record.sessionDuration = duration;
        if (!/^\d+$/.test(duration) || Number(duration) < 900 || Number(duration) > 43_200) return answer(400, "Bad Request");
      }
      let session: unknown;
      try {
        session = JSON.parse(url.searchParams.get("Session") ?? "");
      } catch {
        return answer(400, "Bad Request");
      }
      record.session = session;
      const s = session as Record<string, unknown>;
      const keys = Object.keys(s ?? {}).sort().join(",");
      if (keys !== "sessionId,sessionKey,sessionToken" || ![s.sessionId, s.sessionKey, s.sessionToken].every((v) => typeof v === "string")) return answer(400, "Bad Request");
      const known = options.sessions().find((k) => k.accessKeyId === s.sessionId && k.secretAccessKey === s.sessionKey && k.sessionToken === s.sessionToken);
      if (!known || !known.accessKeyId.startsWith("ASIA")) return answer(400, "Bad Request");
      const token = randomBytes(48).toString("base64url");
      tokens.set(token, known);
      return answer(200, JSON.stringify({ SigninToken: token }));
    }
    if (action === "login") {
      const token = url.searchParams.get("SigninToken") ?? "";
      const destination = url.searchParams.get("Destination") ?? "";
      if (!tokens.has(token) || !/^https:\/\//.test(destination)) return answer(400, "Bad Request");
      return answer(302, "", { location: destination });
    }
    return answer(400, "Bad Request");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/federation`,
    requests,
    tokens,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
