import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commands } from "../../../src/commands/index.js";
import { longFlag } from "../../../src/lib/command.js";

/** docs/timeouts.md lists every timeout, deadline and flag that bounds a wait. */
const doc = readFileSync(new URL("../../../docs/timeouts.md", import.meta.url), "utf8");

describe("docs/timeouts.md", () => {
  it("names every command flag about a timeout, deadline or polling interval, with its command", async () => {
    const missing: string[] = [];
    for (const entry of commands) {
      const spec = (await entry.load()).default;
      for (const option of Object.values(spec.options ?? {})) {
        const flag = longFlag(option.flags);
        if (!/timeout|interval|deadline/.test(flag)) continue;
        const command = entry.path.join(" ");
        const row = doc.split("\n").find((line) => line.includes(`\`${flag}\``) && line.includes(entry.path.at(-1)!));
        if (!row) missing.push(`${command} ${flag}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("names the global flags and the environment variables that set limits", () => {
    for (const name of ["--cli-read-timeout", "--cli-connect-timeout", "AWS_MAX_ATTEMPTS", "AWSBLOG_SAML_TIMEOUT"]) expect(doc).toContain(name);
  });
});
