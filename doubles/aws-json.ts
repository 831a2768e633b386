import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Pieces the protocol doubles for awsJson services (CloudTrail, CodePipeline, Step Functions) share. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

/** An error as AWS sends it in awsJson1_0/1_1: the type in a header and in `__type`. */
export function awsJsonError(res: ServerResponse, type: string, message: string, status = 400, contentType = "application/x-amz-json-1.1"): void {
  res.writeHead(status, { "content-type": contentType, "x-amzn-errortype": type, "x-amzn-requestid": randomUUID() });
  res.end(JSON.stringify({ __type: type, message }));
}

/** An AWS error code a handler throws; the server answers it with HTTP 400. */
export class AwsJsonFault extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Listens on a free loopback port; returns the base URL and a stop() that drops open connections. */
export async function listenLoopback(server: Server): Promise<{ url: string; stop(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.keepAliveTimeout = 1000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * At most `rate` requests within any `windowMs` (AWS's per-second limits): `admit(at)` records
 * an accepted request and says true, or says false (the caller answers ThrottlingException).
 */
export function slidingWindow(rate: number, windowMs = 1000): { admit(at: number): boolean } {
  const accepted: number[] = [];
  return {
    admit(at) {
      while (accepted.length && accepted[0]! <= at - windowMs) accepted.shift();
      if (accepted.length >= rate) return false;
      accepted.push(at);
      return true;
    },
  };
}
