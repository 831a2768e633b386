import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILE_MODE } from "../../../src/lib/package/limits.js";
import { planPackage } from "../../../src/lib/package/layout.js";
import { writeZip } from "../../../src/lib/package/zip-writer.js";
import { awsblog } from "../../helpers/in-process.js";
import { tempDir } from "./helpers.js";

/**
 * `package verify` on zips that are broken or not zips at all: each is a finding (exit 3) or a
 * usage error (exit 2) in one line, never an "unexpected error", never a hang.
 */
let dir: string;
let cleanup: () => void;
let good: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const text = Buffer.from("exports.handler = async () => 'hello';\n".repeat(400));
  await writeZip(
    [
      { archivePath: "index.js", mode: FILE_MODE.regular, size: text.length, source: { content: text } },
      { archivePath: "notes.txt", mode: FILE_MODE.regular, size: 5, source: { content: Buffer.from("notes") } },
    ],
    [],
    join(dir, "good.zip"),
  );
  good = readFileSync(join(dir, "good.zip"));
});
afterAll(() => cleanup());

/** Offsets of index.js's central and local headers, and of the end record. */
function layout(zip: Buffer) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const central = zip.readUInt32LE(eocd + 16);
  const local = zip.readUInt32LE(central + 42);
  const dataStart = local + 30 + zip.readUInt16LE(local + 26);
  return { eocd, central, local, dataStart, compressed: zip.readUInt32LE(central + 20) };
}

function broken(name: string, patch: (zip: Buffer, at: ReturnType<typeof layout>) => void): string {
  const zip = Buffer.from(good);
  patch(zip, layout(zip));
  writeFileSync(join(dir, name), zip);
  return join(dir, name);
}

const verify = (path: string) => awsblog(["package", "verify", path, "-o", "json"]);

describe("package verify on malformed zips", () => {
  it("passes the unbroken zip (the patches below are what breaks them)", async () => {
    const run = await verify(join(dir, "good.zip"));
    expect(run.code, run.stderr).toBe(0);
  });

  it.each([
    ["a bad CRC", "crc-mismatch", (zip: Buffer, at: ReturnType<typeof layout>) => {
      zip.writeUInt32LE(0xdeadbeef, at.central + 16);
      zip.writeUInt32LE(0xdeadbeef, at.local + 14);
    }],
    ["compression method 99 (AES)", "unsupported-method", (zip: Buffer, at: ReturnType<typeof layout>) => {
      zip.writeUInt16LE(99, at.central + 10);
      zip.writeUInt16LE(99, at.local + 8);
    }],
    ["an encrypted entry", "encrypted", (zip: Buffer, at: ReturnType<typeof layout>) => {
      zip.writeUInt16LE(zip.readUInt16LE(at.central + 8) | 1, at.central + 8);
      zip.writeUInt16LE(zip.readUInt16LE(at.local + 6) | 1, at.local + 6);
    }],
    ["a wrong uncompressed size", "corrupt-entry", (zip: Buffer, at: ReturnType<typeof layout>) => {
      zip.writeUInt32LE(zip.readUInt32LE(at.central + 24) + 1000, at.central + 24);
    }],
    ["corrupt deflate data", "corrupt-entry", (zip: Buffer, at: ReturnType<typeof layout>) => {
      zip.fill(0xff, at.dataStart, at.dataStart + 8);
    }],
  ])("%s is a finding (exit 3)", async (_label, code, patch) => {
    const run = await verify(broken(`${code}.zip`, patch));
    expect(run.code, run.stderr).toBe(3);
    const findings = run.json<{ findings: { code: string; path: string }[] }>().findings;
    expect(findings).toContainEqual(expect.objectContaining({ code, path: "index.js" }));
    expect(run.stderr).toBe("");
  });

  it.each([
    ["an end record whose central directory offset lies", (zip: Buffer, at: ReturnType<typeof layout>) => zip.writeUInt32LE(at.eocd - 3, at.eocd + 16)],
    ["an end record that counts more entries than there are", (zip: Buffer, at: ReturnType<typeof layout>) => {
      zip.writeUInt16LE(5, at.eocd + 8);
      zip.writeUInt16LE(5, at.eocd + 10);
    }],
    ["a truncated zip", (zip: Buffer) => zip.fill(0, zip.length - 22)],
  ])("%s is a usage error (exit 2) in one line", async (label, patch) => {
    const run = await verify(broken(`${label.length}.zip`, patch));
    expect(run.code, run.stdout).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^awsblog: .*(not a valid zip|cannot read as a zip).* — /);
  });

  it.each([
    ["a named pipe (FIFO), which nobody writes to", () => {
      execFileSync("mkfifo", [join(dir, "pipe.zip")]);
      return join(dir, "pipe.zip");
    }, /not a regular file \(a named pipe\)/],
    ["a device", () => "/dev/zero", /not a regular file \(a device\)/],
    ["a directory", () => dir, /not a regular file \(a directory\)/],
  ])("%s is a usage error (exit 2), without blocking", async (_label, make, message) => {
    const run = await verify(make());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe("package verify and shared libraries (DT_NEEDED)", () => {
  it("flags a runtime binary whose libraries are in neither the zip nor Lambda's base image, and passes once they are shipped", async () => {
    // Info-ZIP's own zip needs libbz2.so.1.0 (not on Lambda) and libc.so.6 (on Lambda).
    mkdirSync(join(dir, "rt/bin"), { recursive: true });
    copyFileSync("/usr/bin/zip", join(dir, "rt/bin/php"));
    chmodSync(join(dir, "rt/bin/php"), 0o755);
    writeFileSync(join(dir, "main.php"), "<?php echo 1;\n");
    const plan = await planPackage({ language: "php", entry: "main.php", runtimeDir: "rt", includes: [], out: join(dir, "php.zip"), cwd: dir });
    await writeZip(plan.entries, [], join(dir, "php.zip"));
    const missing = await verify(join(dir, "php.zip"));
    expect(missing.code).toBe(3);
    const findings = missing.json<{ findings: { code: string; path: string; message: string }[] }>().findings;
    expect(findings).toEqual([expect.objectContaining({ code: "missing-shared-library", path: "rt/bin/php", message: expect.stringMatching(/^needs libbz2\.so\.1\.0, in neither/) })]);

    mkdirSync(join(dir, "rt/lib"));
    writeFileSync(join(dir, "rt/lib/libbz2.so.1.0"), "stand-in");
    const shipped = await planPackage({ language: "php", entry: "main.php", runtimeDir: "rt", includes: [], out: join(dir, "php2.zip"), cwd: dir });
    await writeZip(shipped.entries, [], join(dir, "php2.zip"));
    const ok = await verify(join(dir, "php2.zip"));
    expect(ok.code, ok.stdout).toBe(0);
  });

  it("package php warns at packaging time about a library Lambda's image lacks (the same check verify and deploy use)", async () => {
    const pkg = tempDir("awsblog-pkg-libs-");
    try {
      mkdirSync(join(pkg.dir, "rt/bin"), { recursive: true });
      copyFileSync("/usr/bin/zip", join(pkg.dir, "rt/bin/php"));
      chmodSync(join(pkg.dir, "rt/bin/php"), 0o755);
      writeFileSync(join(pkg.dir, "main.php"), "<?php echo 1;\n");
      const args = ["package", "php", "--entry", join(pkg.dir, "main.php"), "--runtime-dir", join(pkg.dir, "rt"), "--out", join(pkg.dir, "php.zip"), "-o", "json"];
      const run = await awsblog(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/^warning: rt\/bin\/php: needs libbz2\.so\.1\.0, in neither the zip nor Lambda's base image/m);
      expect(run.json<{ warnings: string[] }>().warnings).toEqual([expect.stringMatching(/^rt\/bin\/php: needs libbz2\.so\.1\.0/)]);
      // Shipped in <runtime>/lib: no warning.
      mkdirSync(join(pkg.dir, "rt/lib"));
      writeFileSync(join(pkg.dir, "rt/lib/libbz2.so.1.0"), "stand-in");
      const shipped = await awsblog(args);
      expect(shipped.code).toBe(0);
      expect(shipped.stderr).toBe("");
    } finally {
      pkg.cleanup();
    }
  });
});
