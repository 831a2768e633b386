import { execFileSync } from "node:child_process";
import { openSync, readSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { neededLibraries } from "../../../src/lib/package/elf.js";

/** DT_NEEDED as binutils' readelf sees it, for the binaries on this machine. */
function readelfNeeded(path: string): string[] {
  const dynamic = execFileSync("readelf", ["-d", path], { encoding: "utf8" });
  return [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)].map((m) => m[1]!);
}

function fileReader(path: string) {
  const fd = openSync(path, "r");
  return async (offset: number, length: number) => {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read);
  };
}

describe("neededLibraries", () => {
  it.each(["/usr/bin/xmlsec1", "/usr/bin/zip", "/bin/true", "/usr/bin/php"])("reads the same DT_NEEDED list as readelf for %s", async (path) => {
    const expected = readelfNeeded(path);
    expect(expected.length).toBeGreaterThan(0);
    expect(await neededLibraries(fileReader(path))).toEqual(expected);
  });

  it("reads nothing from a static binary, a script or a truncated ELF", async () => {
    const elfHeaderOnly = Buffer.alloc(64);
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]).copy(elfHeaderOnly);
    elfHeaderOnly.writeUInt16LE(56, 54);
    elfHeaderOnly.writeUInt16LE(3, 56);
    elfHeaderOnly.writeBigUInt64LE(64n, 32);
    for (const bytes of [Buffer.from("#!/bin/sh\necho hi\n"), elfHeaderOnly]) {
      expect(await neededLibraries(async (offset, length) => bytes.subarray(offset, offset + length))).toEqual([]);
    }
  });
});
