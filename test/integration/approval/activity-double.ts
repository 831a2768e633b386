import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * moto has no GetActivityTask: this loopback double speaks Step Functions' JSON protocol
 * for the worker's two calls. Queued tasks are handed out one per poll; an empty queue
 * answers like AWS after its long poll (no token), at once.
 */
export interface ActivityDouble {
  url: string;
  queue(task: { taskToken: string; input: unknown }): void;
  requests: Array<{ target: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startActivityDouble(options: { holdMs?: number } = {}): Promise<ActivityDouble> {
  const tasks: Array<{ taskToken: string; input: string }> = [];
  const requests: ActivityDouble["requests"] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "").replace(/^AWSStepFunctions\./, "");
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      requests.push({ target, body });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify(payload));
      };
      // holdMs: keep the poll open a while, as AWS does, then answer.
      if (target === "GetActivityTask") setTimeout(() => reply(200, tasks.shift() ?? {}), options.holdMs ?? 0);
      else if (target === "SendTaskFailure") reply(200, {});
      else reply(400, { __type: "UnknownOperationException", message: target });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queue: (task) => tasks.push({ taskToken: task.taskToken, input: JSON.stringify(task.input) }),
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
