import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Pieces the protocol doubles for awsJson1_1 services (CloudTrail, CodePipeline) share. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

/** An error as AWS sends it in awsJson1_1: the type in a header and in `__type`. */
export function awsJsonError(res: ServerResponse, type: string, message: string, status = 400): void {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type, "x-amzn-requestid": randomUUID() });
  res.end(JSON.stringify({ __type: type, message }));
}
