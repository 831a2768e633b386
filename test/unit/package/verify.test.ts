import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planPackage } from "../../../src/lib/package/layout.js";
import { verifyZip } from "../../../src/lib/package/verify.js";
import { writeZip } from "../../../src/lib/package/zip-writer.js";
import { awsblog } from "../../helpers/in-process.js";
import { tempDir } from "./helpers.js";

/** verify on zips made elsewhere (Info-ZIP, as people do by hand) and by awsblog. */
let dir: string;
let cleanup: () => void;
const zip = (name: string, args: string[], cwd = join(dir, "tree")) => {
  execFileSync("zip", ["-q", "-X", join(dir, name), ...args], { cwd });
  return join(dir, name);
};
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  mkdirSync(join(dir, "tree/bin"), { recursive: true });
  mkdirSync(join(dir, "tree/lib"));
  copyFileSync("/bin/true", join(dir, "tree/bin/app"));
  chmodSync(join(dir, "tree/bin/app"), 0o644); // lost its exec bit, e.g. copied from Windows
  copyFileSync("/bin/true", join(dir, "tree/lib/libfoo.so.1")); // libraries need no exec bit
  chmodSync(join(dir, "tree/lib/libfoo.so.1"), 0o644);
  writeFileSync(join(dir, "tree/run.rb"), "#!/usr/bin/env ruby\r\nputs 1\r\n");
  chmodSync(join(dir, "tree/run.rb"), 0o755);
  writeFileSync(join(dir, "tree/index.js"), "exports.handler = async () => 1;\n");
  symlinkSync("/etc/passwd", join(dir, "tree/passwd"));
});
afterAll(() => cleanup());

describe("verifyZip", () => {
  it("finds missing exec bits and CRLF shebangs in an Info-ZIP zip, but not on shared libraries", async () => {
    const report = await verifyZip(zip("hand.zip", ["-r", ".", "-x", "passwd"]));
    expect(report.handlerFiles).toEqual(["index.js"]);
    expect(report.findings.map((f) => [f.code, f.path]).sort()).toEqual([
      ["crlf-shebang", "run.rb"],
      ["not-executable", "bin/app"],
    ]);
    expect(report.findings.find((f) => f.code === "not-executable")?.message).toContain("mode 0644");
  });

  it("finds a missing handler file and stored symbolic links", async () => {
    const report = await verifyZip(zip("links.zip", ["-y", "passwd", "lib/libfoo.so.1"]));
    expect(report.findings.map((f) => f.code).sort()).toEqual(["no-handler-file", "symlink"]);
    const named = await verifyZip(join(dir, "links.zip"), { handler: "php.handler" });
    expect(named.findings.map((f) => f.code).sort()).toEqual(["handler-file-missing", "symlink"]);
  });

  it("finds a wrapper whose program is not in the zip", async () => {
    const plan = await planPackage({ language: "go", entry: "tree/bin/app", includes: [], out: join(dir, "go.zip"), cwd: dir });
    await writeZip(plan.entries.filter((e) => e.archivePath !== "app"), [], join(dir, "go.zip"));
    const report = await verifyZip(join(dir, "go.zip"));
    expect(report.wrapper).toMatchObject({ file: "go.js", program: "app", input: "argv" });
    expect(report.findings.map((f) => [f.code, f.path])).toEqual([["wrapper-program-missing", "app"]]);
  });

  it("passes a zip built by awsblog", async () => {
    const plan = await planPackage({ language: "go", entry: "tree/bin/app", includes: ["tree/lib"], out: join(dir, "ok.zip"), cwd: dir });
    await writeZip(plan.entries, [], join(dir, "ok.zip"));
    const report = await verifyZip(join(dir, "ok.zip"), { handler: "go.handler" });
    expect(report.findings).toEqual([]);
    expect(report.entries).toBe(3);
  });

  it("reports sizes above Lambda's 250 MB unzipped limit", async () => {
    // 251 MiB of zeros deflate to a few hundred KB, streamed through zip's stdin.
    execFileSync("sh", ["-c", `head -c ${251 * 1024 * 1024} /dev/zero | zip -q ${join(dir, "big.zip")} -`], { cwd: dir });
    const report = await verifyZip(join(dir, "big.zip"));
    expect(report.findings.map((f) => f.code)).toContain("unzipped-too-large");
  });

  it("refuses a --handler that is not <file>.<export> with a usage error, not a made-up missing file", async () => {
    const plan = await planPackage({ language: "go", entry: "tree/bin/app", includes: [], out: join(dir, "h.zip"), cwd: dir });
    await writeZip(plan.entries, [], join(dir, "h.zip"));
    const run = await awsblog(["package", "verify", join(dir, "h.zip"), "--handler", "handler"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^awsblog: --handler handler: expected <file>\.<export> — /);
  });

  it("refuses a file that is not a zip with a usage error", async () => {
    writeFileSync(join(dir, "not.zip"), "hello");
    await expect(verifyZip(join(dir, "not.zip"))).rejects.toMatchObject({ exitCode: 2 });
  });
});
