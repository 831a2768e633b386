import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/**
 * The import graph of src/ as the TypeScript parser sees it, and the architecture rules of
 * docs/architecture.md as functions over it. Each rule returns its violations (empty = holds),
 * so the rules can be tried on a tiny made-up graph as well as on the real one.
 */
export interface ImportEdge {
  /** A src-relative file ("lib/run.ts") for our own modules, else the package name ("@aws-sdk/client-sqs"). */
  to: string;
  /** `import type`, `export type … from`, or every named import marked `type`: erased at run time. */
  typeOnly: boolean;
  /** `import("…")`: loaded when the code runs, not when the module loads. */
  dynamic: boolean;
}

export interface SourceModule {
  /** src-relative path, e.g. "lib/aws/sqs.ts". */
  path: string;
  imports: ImportEdge[];
  /** `process.exit(…)` calls. */
  exits: number;
  /** `process.stdout.write(…)` / `process.stderr.write(…)` calls. */
  streamWrites: number;
  /** Assignments to `process.env` or its keys, `delete process.env.X`, `Object.assign(process.env, …)`. */
  envWrites: number;
}

export type Graph = Map<string, SourceModule>;

/** Parses every .ts file under `root` (src/). */
export function loadGraph(root: string): Graph {
  const graph: Graph = new Map();
  for (const file of walk(root)) {
    const path = relative(root, file).split("\\").join("/");
    graph.set(path, parseModule(path, readFileSync(file, "utf8"), (spec) => resolveSpecifier(root, file, spec)));
  }
  return graph;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** "./sqs.js" → "lib/aws/sqs.ts"; a package specifier stays as its package name. */
function resolveSpecifier(root: string, from: string, specifier: string): string {
  if (!specifier.startsWith(".")) {
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  }
  const target = resolve(dirname(from), specifier).replace(/\.js$/, ".ts");
  return relative(root, target).split("\\").join("/");
}

/** One module's imports and process-global uses, from its source text. */
export function parseModule(path: string, source: string, resolveTo: (specifier: string) => string = (s) => s): SourceModule {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const module: SourceModule = { path, imports: [], exits: 0, streamWrites: 0, envWrites: 0 };
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean, dynamic: boolean) => {
    if (specifier && ts.isStringLiteralLike(specifier)) module.imports.push({ to: resolveTo(specifier.text), typeOnly, dynamic });
  };
  const isProcessMember = (node: ts.Node, name: string) =>
    ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "process" && node.name.text === name;
  const isEnvTarget = (node: ts.Node): boolean =>
    isProcessMember(node, "env") || ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && isProcessMember(node.expression, "env"));
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const allTypes = Boolean(clause && !clause.name && named && named.length > 0 && named.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier, Boolean(clause?.isTypeOnly) || allTypes, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || Boolean(named && named.length > 0 && named.every((e) => e.isTypeOnly)), false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true, true);
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false, true);
      if (isProcessMember(node.expression, "exit")) module.exits++;
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === "write" && (isProcessMember(callee.expression, "stdout") || isProcessMember(callee.expression, "stderr"))) module.streamWrites++;
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "Object" && callee.name.text === "assign" && node.arguments[0] && isProcessMember(node.arguments[0], "env")) {
        module.envWrites++;
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment && isEnvTarget(node.left)) {
      module.envWrites++;
    } else if (ts.isDeleteExpression(node) && isEnvTarget(node.expression)) {
      module.envWrites++;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return module;
}

export interface Violation {
  rule: string;
  detail: string;
}

const own = (graph: Graph, edge: ImportEdge) => graph.has(edge.to);
const isSdk = (name: string) => name.startsWith("@aws-sdk/") || name.startsWith("@smithy/");

/** Import cycles among our modules, type-only and dynamic imports included (one entry per cycle's modules). */
export function cycles(graph: Graph): Violation[] {
  // Tarjan's strongly connected components: any component of more than one module, or a
  // module importing itself, is a loop.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: Violation[] = [];
  const connect = (path: string) => {
    order.set(path, index);
    low.set(path, index++);
    stack.push(path);
    onStack.add(path);
    for (const edge of graph.get(path)!.imports) {
      if (!own(graph, edge)) continue;
      if (!order.has(edge.to)) {
        connect(edge.to);
        low.set(path, Math.min(low.get(path)!, low.get(edge.to)!));
      } else if (onStack.has(edge.to)) low.set(path, Math.min(low.get(path)!, order.get(edge.to)!));
    }
    if (low.get(path) !== order.get(path)) return;
    const component: string[] = [];
    let top: string;
    do {
      top = stack.pop()!;
      onStack.delete(top);
      component.push(top);
    } while (top !== path);
    const selfLoop = graph.get(path)!.imports.some((e) => e.to === path);
    if (component.length > 1 || selfLoop) found.push({ rule: "no import cycles", detail: component.sort().join(" ↔ ") });
  };
  for (const path of [...graph.keys()].sort()) if (!order.has(path)) connect(path);
  return found;
}

/** lib/aws/ is the bottom layer: it may import lib's top-level files and itself, never a domain folder (lib/<domain>/). */
export function awsLayerImportsNoDomain(graph: Graph): Violation[] {
  return edges(graph)
    .filter(({ from, edge }) => from.startsWith("lib/aws/") && own(graph, edge) && /^lib\/[^/]+\//.test(edge.to) && !edge.to.startsWith("lib/aws/"))
    .map(({ from, edge }) => ({ rule: "lib/aws imports no domain folder", detail: `${from} → ${edge.to}` }));
}

/** lib/ never imports commands/ (type-only imports included). */
export function libImportsNoCommands(graph: Graph): Violation[] {
  return edges(graph)
    .filter(({ from, edge }) => from.startsWith("lib/") && edge.to.startsWith("commands/"))
    .map(({ from, edge }) => ({ rule: "lib never imports commands", detail: `${from} → ${edge.to}` }));
}

/** Only lib/aws/ imports @aws-sdk/* and @smithy/* (type-only imports included). */
export function onlyAwsLayerImportsSdk(graph: Graph): Violation[] {
  return edges(graph)
    .filter(({ from, edge }) => isSdk(edge.to) && !from.startsWith("lib/aws/"))
    .map(({ from, edge }) => ({ rule: "only lib/aws imports @aws-sdk/* and @smithy/*", detail: `${from} → ${edge.to}` }));
}

/**
 * Loading a command module loads no AWS SDK: following its static value imports (not
 * `import type`, not `import()`) from commands/ never reaches an @aws-sdk/* or @smithy/*
 * package. The SDK is loaded when ctx.services builds a client.
 */
export function commandsLoadNoSdk(graph: Graph): Violation[] {
  const found: Violation[] = [];
  for (const start of [...graph.keys()].filter((p) => p.startsWith("commands/")).sort()) {
    const seen = new Set([start]);
    const queue: string[][] = [[start]];
    while (queue.length) {
      const trail = queue.shift()!;
      for (const edge of graph.get(trail[trail.length - 1]!)!.imports) {
        if (edge.typeOnly || edge.dynamic) continue;
        if (isSdk(edge.to)) {
          found.push({ rule: "command modules load no @aws-sdk statically", detail: [...trail, edge.to].join(" → ") });
          queue.length = 0;
          break;
        }
        if (own(graph, edge) && !seen.has(edge.to)) {
          seen.add(edge.to);
          queue.push([...trail, edge.to]);
        }
      }
    }
  }
  return found;
}

/** No module under src/ calls process.exit (bin/awsblog.js does, once). */
export function noProcessExit(graph: Graph): Violation[] {
  return [...graph.values()].filter((m) => m.exits > 0).map((m) => ({ rule: "only bin/awsblog.js calls process.exit", detail: m.path }));
}

/** Only lib/output.ts writes to process.stdout/stderr (others get streams through Io). */
export function onlyOutputWrites(graph: Graph): Violation[] {
  return [...graph.values()].filter((m) => m.streamWrites > 0 && m.path !== "lib/output.ts").map((m) => ({ rule: "only lib/output.ts writes to process.stdout/stderr", detail: m.path }));
}

/** Nothing under src/ writes process.env (a run's environment is ctx.env; bin/awsblog.js owns the process). */
export function noEnvWrites(graph: Graph): Violation[] {
  return [...graph.values()].filter((m) => m.envWrites > 0).map((m) => ({ rule: "no writes to process.env in src/", detail: m.path }));
}

function edges(graph: Graph): { from: string; edge: ImportEdge }[] {
  return [...graph.values()].flatMap((m) => m.imports.map((edge) => ({ from: m.path, edge })));
}
