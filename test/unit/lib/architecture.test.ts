import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  awsLayerImportsNoDomain,
  commandsLoadNoSdk,
  cycles,
  libImportsNoCommands,
  loadGraph,
  noEnvWrites,
  noProcessExit,
  onlyAwsLayerImportsSdk,
  onlyOutputWrites,
  parseModule,
  type Graph,
  type Violation,
} from "./import-graph.js";

/**
 * The rules of docs/architecture.md, checked over the real import graph of src/ (every
 * `import`, `import type`, `export … from` and `import()`), and each shown to catch a breach
 * on a small made-up graph.
 */
const SRC = fileURLToPath(new URL("../../../src", import.meta.url));
const graph = loadGraph(SRC);

/** A made-up src/: path → source text. */
function fake(files: Record<string, string>): Graph {
  const paths = new Set(Object.keys(files));
  const resolveTo = (from: string) => (specifier: string) => {
    if (!specifier.startsWith(".")) return specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
    const parts = from.split("/").slice(0, -1);
    for (const part of specifier.replace(/\.js$/, ".ts").split("/")) {
      if (part === "..") parts.pop();
      else if (part !== ".") parts.push(part);
    }
    const to = parts.join("/");
    if (!paths.has(to) && !to.includes("@")) throw new Error(`fake graph: ${from} imports a missing ${to}`);
    return to;
  };
  return new Map(Object.entries(files).map(([path, source]) => [path, parseModule(path, source, resolveTo(path))]));
}

const details = (violations: Violation[]) => violations.map((v) => v.detail);

/**
 * Breaches other changes of issue #18 remove (each named with the change that removes it).
 * The test fails when one is left AND when one has gone, so this list is emptied as they land.
 */
const PENDING: Record<string, string[]> = {
  cycles: [],
};

describe("architecture rules over src/", () => {
  it("reads the whole tree: every module, its type-only and dynamic imports", () => {
    expect(graph.size).toBeGreaterThan(100);
    const services = graph.get("lib/services.ts")!;
    expect(services.imports).toContainEqual({ to: "lib/aws/sqs.ts", typeOnly: true, dynamic: false });
    expect(services.imports).toContainEqual({ to: "lib/aws/sqs.ts", typeOnly: false, dynamic: true });
    expect(graph.get("lib/aws/sqs.ts")!.imports).toContainEqual({ to: "@aws-sdk/client-sqs", typeOnly: false, dynamic: false });
  });

  it("no import cycles, type-only and dynamic imports included", () => {
    expect(details(cycles(graph))).toEqual(PENDING.cycles);
  });

  it("lib/aws imports no domain folder (lib/<domain>/)", () => {
    expect(details(awsLayerImportsNoDomain(graph))).toEqual([]);
  });

  it("lib never imports commands", () => {
    expect(details(libImportsNoCommands(graph))).toEqual([]);
  });

  it("only lib/aws imports @aws-sdk/* and @smithy/*", () => {
    expect(details(onlyAwsLayerImportsSdk(graph))).toEqual([]);
  });

  it("loading a command module loads no AWS SDK (static value imports, followed through lib)", () => {
    expect(details(commandsLoadNoSdk(graph))).toEqual([]);
  });

  it("only bin/awsblog.js calls process.exit; only lib/output.ts writes to process.stdout/stderr; nothing writes process.env", () => {
    expect(details(noProcessExit(graph))).toEqual([]);
    expect(details(onlyOutputWrites(graph))).toEqual([]);
    expect(details(noEnvWrites(graph))).toEqual([]);
  });

  it("the map names every shared module: each src/lib/*.ts is in docs/architecture.md", () => {
    const map = readFileSync(new URL("../../../docs/architecture.md", import.meta.url), "utf8");
    const shared = readdirSync(join(SRC, "lib")).filter((f) => f.endsWith(".ts"));
    expect(shared.length).toBeGreaterThan(20);
    expect(shared.filter((f) => !map.includes(`src/lib/${f}`))).toEqual([]);
  });
});

describe("each rule catches a breach (made-up graphs)", () => {
  it("cycles: a type-only loop and a loop through import() count; a chain does not", () => {
    const looped = fake({
      "lib/context.ts": 'import type { Services } from "./services.js";',
      "lib/services.ts": 'export const sqs = () => import("./aws/sqs.js");',
      "lib/aws/sqs.ts": 'import type { Context } from "../context.js";',
      "lib/chain.ts": 'import { x } from "./context.js";',
    });
    expect(details(cycles(looped))).toEqual(["lib/aws/sqs.ts ↔ lib/context.ts ↔ lib/services.ts"]);
    expect(details(cycles(fake({ "a.ts": 'export * from "./b.js";', "b.ts": "export const b = 1;" })))).toEqual([]);
    expect(details(cycles(fake({ "a.ts": 'export type { A } from "./a.js";' })))).toEqual(["a.ts"]);
  });

  it("lib/aws → lib/<domain>/ is refused; lib/aws → lib/errors.ts and lib/aws → lib/aws are fine", () => {
    const g = fake({
      "lib/errors.ts": "",
      "lib/saml/deadline.ts": "",
      "lib/aws/factory.ts": "",
      "lib/aws/sts.ts": 'import { UsageError } from "../errors.js";\nimport type { F } from "./factory.js";\nimport { withDeadline } from "../saml/deadline.js";',
    });
    expect(details(awsLayerImportsNoDomain(g))).toEqual(["lib/aws/sts.ts → lib/saml/deadline.ts"]);
  });

  it("lib → commands is refused, even type-only", () => {
    const g = fake({ "commands/tags/scan.ts": "", "lib/tags/scheduled.ts": 'import type { ScanOptions } from "../../commands/tags/scan.js";' });
    expect(details(libImportsNoCommands(g))).toEqual(["lib/tags/scheduled.ts → commands/tags/scan.ts"]);
  });

  it("@aws-sdk/* and @smithy/* outside lib/aws are refused, even type-only", () => {
    const g = fake({
      "lib/aws/sqs.ts": 'import { SQSClient } from "@aws-sdk/client-sqs";',
      "lib/dlq/peek.ts": 'import type { Message } from "@aws-sdk/client-sqs";',
      "commands/x.ts": 'import type { Client } from "@smithy/types";',
    });
    expect(details(onlyAwsLayerImportsSdk(g))).toEqual(["lib/dlq/peek.ts → @aws-sdk/client-sqs", "commands/x.ts → @smithy/types"]);
  });

  it("a command that statically reaches the SDK through lib is refused; import() and import type are fine", () => {
    const g = fake({
      "lib/aws/sqs.ts": 'import { SQSClient } from "@aws-sdk/client-sqs";',
      "lib/dlq/queue.ts": 'import { createSqsApi } from "../aws/sqs.js";',
      "commands/dlq/eager.ts": 'import { q } from "../../lib/dlq/queue.js";',
      "commands/dlq/lazy.ts": 'import type { SqsApi } from "../../lib/aws/sqs.js";\nconst load = () => import("../../lib/aws/sqs.js");',
    });
    expect(details(commandsLoadNoSdk(g))).toEqual(["commands/dlq/eager.ts → lib/dlq/queue.ts → lib/aws/sqs.ts → @aws-sdk/client-sqs"]);
  });

  it("process.exit, process.stdout/stderr.write outside lib/output.ts, and every kind of process.env write are found", () => {
    const g = fake({
      "lib/output.ts": 'process.stderr.write("ok");',
      "lib/run.ts": 'process.exit(1);\nprocess.stdout.write("x");\nconst e = process.env.HOME;',
      "lib/a.ts": 'process.env.AWS_PROFILE = "x";',
      "lib/b.ts": 'process.env["AWS_REGION"] ??= "us-east-1";',
      "lib/c.ts": "delete process.env.LAMBDA_TASK_ROOT;",
      "lib/d.ts": "Object.assign(process.env, { A: '1' });",
      "lib/e.ts": "process.env = {};",
      "lib/reads.ts": "const env = { ...process.env }; const x = process.env.A ?? 'y';",
    });
    expect(details(noProcessExit(g))).toEqual(["lib/run.ts"]);
    expect(details(onlyOutputWrites(g))).toEqual(["lib/run.ts"]);
    expect(details(noEnvWrites(g))).toEqual(["lib/a.ts", "lib/b.ts", "lib/c.ts", "lib/d.ts", "lib/e.ts"]);
  });
});
