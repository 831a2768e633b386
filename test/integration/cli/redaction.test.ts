import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactSecrets } from "../../../src/lib/redact.js";
import { awsblog } from "../../helpers/in-process.js";
import { awsJsonError, readBody } from "../../../doubles/aws-json.js";

/**
 * Servers echo what they were sent. Whatever we quote back from them (an IdP's error page, an
 * AWS error message) must not carry the secret we submitted: the line goes to terminals, CI
 * logs and bug reports.
 */
const PASSWORD = "S3cret horse & <co>!";
const TOKEN = `AAAAKgAAAAIAAAAAAAAAA${"Qx9".repeat(40)}`;

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe("secrets are not quoted back", () => {
  let idp: { server: Server; url: string };
  let sfn: { server: Server; url: string };
  beforeAll(async () => {
    // An IdP whose refusal page repeats the password, HTML-escaped, as some do.
    idp = await listen(async (req, res) => {
      const body = await readBody(req);
      const typed = new URLSearchParams(body).get("Password") ?? "";
      const escaped = typed.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      const error = req.method === "POST" ? `<div class="error">Password '${escaped}' is not valid for this user</div>` : "";
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<html><body>${error}<form method="post" action="/adfs/ls/"><input name="UserName"><input type="password" name="Password"></form></body></html>`);
    });
    // Step Functions answering InvalidToken with the token in its message.
    sfn = await listen(async (req, res) => {
      const { taskToken } = JSON.parse(await readBody(req)) as { taskToken: string };
      awsJsonError(res, "InvalidToken", `Invalid Token: '${taskToken}'`);
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => idp.server.close(resolve));
    await new Promise((resolve) => sfn.server.close(resolve));
  });

  it("saml roles --idp-url: the IdP's message is quoted with the password replaced", async () => {
    const run = await awsblog(["saml", "roles", "--idp-url", `${idp.url}/adfs/ls/`, "--username", "jane"], { env: { AWSBLOG_PASSWORD: PASSWORD } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("awsblog: the IdP refused the sign-in: Password '***' is not valid for this user — check the user name (AD FS: DOMAIN\\user or user@domain) and the password\n");
  });

  it("approve: an AWS message echoing the task token is quoted without it (--debug too)", async () => {
    const run = await awsblog(["approve", "--token", TOKEN, "--endpoint-url", sfn.url, "--debug"], { env: { AWS_MAX_ATTEMPTS: "1" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("StepFunctions SendTaskSuccess failed: InvalidToken (Invalid Token: '***')");
    expect(run.stderr).not.toContain(TOKEN.slice(0, 40));
  });
});

describe("redactSecrets", () => {
  it("finds the secret as sent and as shown: raw, URL/form-encoded, HTML- and JSON-escaped, whitespace folded", () => {
    const secret = 'pa ss  "w&rd"/x';
    const shown = [secret, encodeURIComponent(secret), new URLSearchParams({ p: secret }).toString().slice(2), "pa ss  &quot;w&amp;rd&quot;/x", JSON.stringify(secret).slice(1, -1), 'pa ss "w&rd"/x'];
    for (const form of shown) expect(redactSecrets(`before ${form} after`, [secret])).toBe("before *** after");
  });

  it("leaves text alone when there is nothing (long enough) to hide", () => {
    expect(redactSecrets("a bad password", ["a", undefined, ""])).toBe("a bad password");
  });
});
