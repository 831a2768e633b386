import { describe, expect, it } from "vitest";
import { commands } from "../../../src/commands/index.js";
import { wrapHelp } from "../../../src/lib/wrap.js";
import { awsblog } from "../../helpers/in-process.js";

/** `--help` is wrapped to the terminal's width, 80 columns when stdout is not a terminal. */
const widest = (text: string) => Math.max(...text.split("\n").map((line) => [...line].length));
const pages = [[], ...commands.map((entry) => [...entry.path])];

describe("--help fits the terminal", () => {
  it("every page fits 80 columns when stdout is a pipe", async () => {
    const over: string[] = [];
    for (const path of pages) {
      const run = await awsblog([...path, "--help"]);
      expect(run.code).toBe(0);
      if (widest(run.stdout) > 80) over.push(`${path.join(" ") || "awsblog"}: ${widest(run.stdout)}`);
    }
    expect(over).toEqual([]);
  });

  it("on a terminal it uses the terminal's width (100 and 120 columns)", async () => {
    for (const columns of [100, 120]) {
      const run = await awsblog(["saml", "login", "--help"], { tty: true, columns });
      expect(widest(run.stdout)).toBeLessThanOrEqual(columns);
      if (columns === 120) expect(widest(run.stdout)).toBeGreaterThan(80);
    }
  });

  it("an example command breaks between arguments with a trailing backslash, never inside quotes", () => {
    const text = wrapHelp(`  $ awsblog saml login --idp-url "$ADFS_URL" --username 'EXAMPLE\\jane smith' --all-roles --write-profile '{account}-{role}'`, 60);
    expect(text.split("\n")).toEqual([
      `  $ awsblog saml login --idp-url "$ADFS_URL" --username \\`,
      `      'EXAMPLE\\jane smith' --all-roles --write-profile \\`,
      `      '{account}-{role}'`,
    ]);
  });

  it("a paragraph written pre-wrapped is reflowed, a long JSON shape breaks after commas", () => {
    expect(wrapHelp("Each target runs with its own credentials and\nclients.", 200)).toBe("Each target runs with its own credentials and clients.");
    expect(wrapHelp(`JSON: {"profile","roleArn","principalArn","accountId"}`, 30)).toBe(`JSON: {"profile","roleArn",\n  "principalArn","accountId"}`);
  });
});
