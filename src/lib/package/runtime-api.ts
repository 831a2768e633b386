import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback Lambda Runtime API (version 2018-06-01) for `--run-local`: what a `bootstrap`
 * on provided.al2023 talks to. The bootstrap long-polls `invocation/next`, gets the event
 * with Lambda's headers, and posts `invocation/<id>/response` or `/error`; a runtime that
 * cannot start posts `init/error`. Only 127.0.0.1 is bound.
 */
const PREFIX = "/2018-06-01/runtime";
/** Lambda's synchronous response limit; a larger response is refused with 413 as Lambda does. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

export interface LambdaErrorShape {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

export type InvocationReply = { kind: "response"; body: Buffer } | { kind: "error"; error: LambdaErrorShape };

export interface DispatchedEvent {
  requestId: string;
  /** The event as JSON text, exactly as the bootstrap receives it. */
  body: string;
  deadlineMs: number;
  functionArn: string;
  traceId: string;
}

export class RuntimeApiServer {
  private server: Server;
  private waitingNext: ServerResponse | undefined;
  private queued: DispatchedEvent | undefined;
  private inflight = new Map<string, (reply: InvocationReply) => void>();
  private nextListeners: (() => void)[] = [];
  private initErrorListeners: ((error: LambdaErrorShape) => void)[] = [];
  /** Request ids posted to after they were settled (a bootstrap answering twice). */
  readonly protocolErrors: string[] = [];

  constructor() {
    this.server = createServer((req, res) => void this.route(req, res).catch(() => send(res, 500, { errorType: "ServerError", errorMessage: "internal error" })));
    // A long-polling /next must never be cut by Node's request timeouts.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    // A bootstrap keeps one connection for its whole life, as on Lambda (frozen between invocations).
    this.server.keepAliveTimeout = 0;
  }

  /** Starts listening; returns `host:port` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Resolves the next time the bootstrap asks for an event (the end of its init). */
  nextRequested(): Promise<void> {
    if (this.waitingNext) return Promise.resolve();
    return new Promise((resolve) => this.nextListeners.push(resolve));
  }

  initFailed(): Promise<LambdaErrorShape> {
    return new Promise((resolve) => this.initErrorListeners.push(resolve));
  }

  /** Hands the event to the bootstrap (now, or at its next poll) and resolves with its reply. */
  dispatch(event: DispatchedEvent): Promise<InvocationReply> {
    const reply = new Promise<InvocationReply>((resolve) => this.inflight.set(event.requestId, resolve));
    if (this.waitingNext) this.deliver(this.waitingNext, event);
    else this.queued = event;
    return reply;
  }

  /** Forgets an invocation that timed out or whose bootstrap died: a late reply gets 400. */
  abandon(requestId: string): void {
    this.inflight.delete(requestId);
    if (this.queued?.requestId === requestId) this.queued = undefined;
  }

  /** The bootstrap was killed: its pending poll is dropped with it. */
  dropPoll(): void {
    this.waitingNext = undefined;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private deliver(res: ServerResponse, event: DispatchedEvent): void {
    this.waitingNext = undefined;
    this.queued = undefined;
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(event.body),
      "lambda-runtime-aws-request-id": event.requestId,
      "lambda-runtime-deadline-ms": String(event.deadlineMs),
      "lambda-runtime-invoked-function-arn": event.functionArn,
      "lambda-runtime-trace-id": event.traceId,
    });
    res.end(event.body);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (req.method === "GET" && path === `${PREFIX}/invocation/next`) {
      if (this.queued) return this.deliver(res, this.queued);
      this.waitingNext = res;
      res.on("close", () => this.waitingNext === res && (this.waitingNext = undefined));
      for (const listener of this.nextListeners.splice(0)) listener();
      return;
    }
    if (req.method === "POST" && path === `${PREFIX}/init/error`) {
      const error = parseError(await readBody(req, MAX_RESPONSE_BYTES), req.headers["lambda-runtime-function-error-type"], "Runtime.InitError");
      send(res, 202, { status: "OK" });
      for (const listener of this.initErrorListeners.splice(0)) listener(error);
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (req.method !== "POST" || !match) return send(res, 404, { errorType: "InvalidRequest", errorMessage: `${req.method} ${path}: no such Runtime API route` });
    const requestId = decodeURIComponent(match[1] ?? "");
    const settle = this.inflight.get(requestId);
    if (!settle) {
      this.protocolErrors.push(requestId);
      await readBody(req, MAX_RESPONSE_BYTES).catch(() => undefined);
      return send(res, 400, { errorType: "InvalidRequestID", errorMessage: `no invocation ${requestId} is waiting for a reply` });
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_RESPONSE_BYTES);
    } catch {
      this.inflight.delete(requestId);
      settle({ kind: "error", error: { errorType: "Function.ResponseSizeTooLarge", errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).` } });
      return send(res, 413, { errorType: "RequestEntityTooLarge", errorMessage: `response is larger than ${MAX_RESPONSE_BYTES} bytes` });
    }
    this.inflight.delete(requestId);
    send(res, 202, { status: "OK" });
    if (match[2] === "response") settle({ kind: "response", body });
    else settle({ kind: "error", error: parseError(body, req.headers["lambda-runtime-function-error-type"], "Unhandled") });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a request body up to `limit` bytes; more rejects (and the connection is closed). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new Error("too large"));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The Lambda error shape from a bootstrap's body; anything else is kept as the message. */
function parseError(body: Buffer, headerType: string | string[] | undefined, fallbackType: string): LambdaErrorShape {
  const type = typeof headerType === "string" && headerType ? headerType : undefined;
  try {
    const parsed = JSON.parse(body.toString("utf8")) as Partial<LambdaErrorShape>;
    if (parsed && typeof parsed === "object") {
      return {
        errorType: typeof parsed.errorType === "string" ? parsed.errorType : (type ?? fallbackType),
        errorMessage: typeof parsed.errorMessage === "string" ? parsed.errorMessage : body.toString("utf8"),
        ...(Array.isArray(parsed.stackTrace) ? { stackTrace: parsed.stackTrace.map(String) } : {}),
      };
    }
  } catch {
    // not JSON: the text is the message
  }
  return { errorType: type ?? fallbackType, errorMessage: body.toString("utf8") };
}
