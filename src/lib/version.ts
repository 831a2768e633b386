import { readFileSync } from "node:fs";

let cached: string | undefined;

/**
 * The package version, read once from package.json: one level above the bundled dist/cli.js,
 * two above src/lib/version.ts when tests run the sources.
 */
export function version(): string {
  if (cached) return cached;
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "awsblog" && pkg.version) return (cached = pkg.version);
    } catch {
      // not at this level
    }
  }
  return (cached = "0.0.0-unknown");
}
