import { describe, expect, it } from "vitest";
import { humanSize } from "../../../src/lib/package/limits.js";
import { awsblog } from "../../helpers/in-process.js";

describe("small messages a new user reads", () => {
  it("sizes: bytes and KB for small zips, not 0.0 MB", () => {
    expect(humanSize(600)).toBe("600 B");
    expect(humanSize(3 * 1024 + 512)).toBe("3.5 KB");
    expect(humanSize(50 * 1024 * 1024)).toBe("50.0 MB");
  });

  it("the top-level description names SAML sign-in and CodePipeline", async () => {
    const run = await awsblog(["--help"]);
    expect(run.stdout).toMatch(/SAML sign-in and\s+CodePipeline/);
  });

  it("approval serve --help says the JSON Lines come with -o json", async () => {
    const run = await awsblog(["approval", "serve", "--help"]);
    expect(run.stdout.replace(/\s+/g, " ")).toContain("one line per event on stdout; with -o json, JSON Lines:");
  });
});
