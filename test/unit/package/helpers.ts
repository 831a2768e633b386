import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderWrapper, type WrapperConfig } from "../../../src/lib/package/wrapper.js";

/** A temp directory removed by the returned cleanup. */
export function tempDir(prefix = "awsblog-pkg-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

export type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

/** Writes the generated wrapper as `<name>.js` in dir and loads it as Lambda would (CommonJS). */
export function loadWrapper(dir: string, config: Partial<WrapperConfig> & Pick<WrapperConfig, "program">, name = "w"): Handler {
  const full: WrapperConfig = { language: "go", input: "argv", args: [], ...config };
  const file = join(dir, `${name}.js`);
  writeFileSync(file, renderWrapper(full));
  const mod = createRequire(join(dir, "index.cjs"))(file) as { handler: Handler };
  return mod.handler;
}

export function contextWithRemaining(ms: number) {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()), awsRequestId: "test" };
}
