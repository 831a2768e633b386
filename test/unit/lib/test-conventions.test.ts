import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The conventions of test/README.md that a reader cannot see from one file. */
const root = fileURLToPath(new URL("../../", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : /\.(ts|mjs)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

describe("test conventions", () => {
  it("tests run commands through the CLI: nothing imports a command module but the manifest", () => {
    // commands/pipeline/follow.ts is a helper among the verbs, on its way to lib/ (#18).
    const allowed = new Set(["src/commands/index.js", "src/commands/pipeline/follow.js"]);
    const offenders = files(root).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/from "((?:\.\.\/)+src\/commands\/[^"]+)"/g)]
        .map((m) => relative(join(root, ".."), join(file, "..", m[1]!)))
        .filter((target) => !allowed.has(target))
        .map((target) => `${relative(root, file)} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it("a group's arranged world is world.ts, not setup/arrange/programs/org-world", () => {
    const integration = join(root, "integration");
    const misnamed = files(integration)
      .map((file) => relative(integration, file))
      .filter((file) => /\/(setup|arrange|programs|org-world|fixtures?)\.ts$/.test(file));
    expect(misnamed).toEqual([]);
  });
});
