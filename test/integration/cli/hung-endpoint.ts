import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/**
 * A loopback endpoint that accepts every connection, reads what is sent and never answers:
 * what a stuck proxy or a black-holed service looks like to an AWS client.
 */
export interface HungEndpoint {
  url: string;
  /** Connections accepted so far (each AWS attempt opens or reuses one). */
  readonly connections: number;
  /** Bytes received so far: proves requests were really sent here. */
  readonly received: string;
  /** Resolves when the next connection arrives (a request is in flight). */
  nextConnection(): Promise<void>;
  close(): Promise<void>;
}

export async function startHungEndpoint(): Promise<HungEndpoint> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let received = "";
  const waiting: (() => void)[] = [];
  const server: Server = createServer((socket) => {
    connections++;
    waiting.splice(0).forEach((resolve) => resolve());
    sockets.add(socket);
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get received() {
      return received;
    },
    nextConnection: () => new Promise<void>((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** This test file's hung endpoint: started before its tests, closed after them. */
export function useHungEndpoint(): () => HungEndpoint {
  let hung: HungEndpoint | undefined;
  beforeAll(async () => {
    hung = await startHungEndpoint();
  });
  afterAll(() => hung?.close());
  return () => {
    if (!hung) throw new Error("the hung endpoint did not start");
    return hung;
  };
}

/** A one-rule tags policy (Team=web) in a temp folder, so `tags scan` gets as far as EC2. */
export function oneRulePolicy(): string {
  const rules = join(mkdtempSync(join(tmpdir(), "awsblog-hung-")), "rules.json");
  writeFileSync(rules, JSON.stringify([{ RuleId: 1, TagKey: "Team", Action: "Update", Required: "Y", Default: "web" }]));
  return rules;
}
