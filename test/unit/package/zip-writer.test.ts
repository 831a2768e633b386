import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractZip } from "../../../src/lib/package/extract.js";
import { FILE_MODE } from "../../../src/lib/package/limits.js";
import type { PlannedEntry } from "../../../src/lib/package/layout.js";
import { writeZip } from "../../../src/lib/package/zip-writer.js";
import { tempDir } from "./helpers.js";

/** The zip itself: modes, host, order, timestamps, reproducibility, and every write path. */
let dir: string;
let cleanup: () => void;
let entries: PlannedEntry[];
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  mkdirSync(join(dir, "src"));
  const files: [string, Buffer, number][] = [
    ["a.txt", Buffer.from("hello ".repeat(2000)), FILE_MODE.regular],
    ["bin/tool", Buffer.from("#!/bin/sh\necho tool\n"), FILE_MODE.executable],
    ["noise.bin", randomBytes(5000), FILE_MODE.regular],
    ["z/big.txt", Buffer.from("lambda ".repeat(3000)), FILE_MODE.regular],
    ["z/empty", Buffer.alloc(0), FILE_MODE.regular],
  ];
  entries = files.map(([path, data, mode]) => {
    const source = join(dir, "src", path.replaceAll("/", "_"));
    writeFileSync(source, data);
    return { archivePath: path, mode, size: data.length, source: { path: source } };
  });
  entries.unshift({ archivePath: "__wrapper.js", mode: FILE_MODE.regular, size: 9, source: { content: Buffer.from("exports=1") } });
});
afterAll(() => cleanup());

describe("writeZip", () => {
  it("writes Unix modes, a Unix host, sorted entries and the fixed 1980-01-01 timestamp", async () => {
    const out = join(dir, "modes.zip");
    const stats = await writeZip(entries, ["z/emptydir"], out);
    expect(stats.entries).toBe(7);
    expect(stats.unzippedBytes).toBe(entries.reduce((sum, e) => sum + e.size, 0));
    expect(stats.zippedBytes).toBe(readFileSync(out).length);
    const listing = execFileSync("unzip", ["-Z", out], { encoding: "utf8" }).split("\n").filter((line) => / unx /.test(line));
    const rows = listing.map((line) => {
      const parts = line.trim().split(/\s+/);
      return [parts[0], parts[6], parts[7], parts[8]];
    });
    expect(rows).toEqual([
      ["-rw-r--r--", "80-Jan-01", "00:00", "__wrapper.js"],
      ["-rw-r--r--", "80-Jan-01", "00:00", "a.txt"],
      ["-rwxr-xr-x", "80-Jan-01", "00:00", "bin/tool"],
      ["-rw-r--r--", "80-Jan-01", "00:00", "noise.bin"],
      ["-rw-r--r--", "80-Jan-01", "00:00", "z/big.txt"],
      ["-rw-r--r--", "80-Jan-01", "00:00", "z/empty"],
      ["drwxr-xr-x", "80-Jan-01", "00:00", "z/emptydir/"],
    ]);
    expect(execFileSync("unzip", ["-tq", out], { encoding: "utf8" })).toMatch(/No errors detected/);
  });

  it("stores data that does not compress and deflates data that does", async () => {
    const out = join(dir, "methods.zip");
    await writeZip(entries, [], out);
    const verbose = execFileSync("unzip", ["-Zl", out], { encoding: "utf8" });
    expect(verbose).toMatch(/stor\s+\S+\s+\S+\s+noise\.bin/);
    expect(verbose).toMatch(/defN\s+\S+\s+\S+\s+a\.txt/);
  });

  it("gives byte-identical zips for the same inputs", async () => {
    await writeZip(entries, ["z/emptydir"], join(dir, "one.zip"));
    await writeZip(entries, ["z/emptydir"], join(dir, "two.zip"));
    expect(readFileSync(join(dir, "one.zip")).equals(readFileSync(join(dir, "two.zip")))).toBe(true);
  });

  it("streams files past the buffer limit and across windows, keeping every byte", async () => {
    const out = join(dir, "streamed.zip");
    // Tiny thresholds force every path: buffered, streamed-because-large, streamed-as-barrier.
    await writeZip(entries, [], out, { inFlight: 2, entryBufferBytes: 1000, chunkBytes: 700 });
    expect(execFileSync("unzip", ["-tq", out], { encoding: "utf8" })).toMatch(/No errors detected/);
    const target = join(dir, "x");
    await extractZip(out, target);
    for (const entry of entries) {
      const expected = "path" in entry.source ? readFileSync(entry.source.path) : entry.source.content;
      expect(readFileSync(join(target, entry.archivePath)).equals(expected), entry.archivePath).toBe(true);
    }
    expect(readdirSync(join(target, "bin"))).toEqual(["tool"]);
    expect(execFileSync("stat", ["-c", "%a", join(target, "bin/tool")], { encoding: "utf8" }).trim()).toBe("755");
  });

  it("gives the same bytes whatever the parallelism and buffer sizes", async () => {
    const big = join(dir, "src", "big-mixed");
    // Text, then noise, then text: several chunks, both methods, 600 KB.
    writeFileSync(big, Buffer.concat([Buffer.from("handler ".repeat(30_000)), randomBytes(200_000), Buffer.from("event ".repeat(30_000))]));
    // 200 bytes of zeros, then noise: only a sample of the whole first 16 KB says "store".
    const tricky = join(dir, "src", "tricky");
    writeFileSync(tricky, Buffer.concat([Buffer.alloc(200), randomBytes(99_000), Buffer.alloc(100_000)]));
    const all: PlannedEntry[] = [
      ...entries,
      { archivePath: "m/big-mixed", mode: FILE_MODE.regular, size: statSync(big).size, source: { path: big } },
      { archivePath: "m/tricky", mode: FILE_MODE.regular, size: statSync(tricky).size, source: { path: tricky } },
    ];
    await writeZip(all, ["z/emptydir"], join(dir, "serial.zip"), { inFlight: 1, entryBufferBytes: 1, chunkBytes: 100 });
    await writeZip(all, ["z/emptydir"], join(dir, "parallel.zip"), { inFlight: 8, entryBufferBytes: 8 * 1024 * 1024, chunkBytes: 256 * 1024 });
    await writeZip(all, ["z/emptydir"], join(dir, "default.zip"));
    const serial = readFileSync(join(dir, "serial.zip"));
    expect(readFileSync(join(dir, "parallel.zip")).equals(serial)).toBe(true);
    expect(readFileSync(join(dir, "default.zip")).equals(serial)).toBe(true);
    expect(execFileSync("unzip", ["-tq", join(dir, "serial.zip")], { encoding: "utf8" })).toMatch(/No errors detected/);
    expect(execFileSync("unzip", ["-Zl", join(dir, "serial.zip")], { encoding: "utf8" })).toMatch(/ stor 80-Jan-01 00:00 m\/tricky/);
  });

  it("decides from a sample of the start: stores a large file that starts incompressible, with no data descriptors", async () => {
    const noise = join(dir, "src", "noise-large");
    // Deflating the whole would pay (zeros), so only the sample can have chosen to store it.
    writeFileSync(noise, Buffer.concat([randomBytes(20_000), Buffer.alloc(280_000)]));
    const out = join(dir, "large-noise.zip");
    // Below 4 KB there is no sample: deflated, then rewritten stored because it did not shrink.
    const small = randomBytes(3000);
    await writeZip(
      [
        { archivePath: "lib/ext.so", mode: FILE_MODE.regular, size: 300_000, source: { path: noise } },
        { archivePath: "lib/small.so", mode: FILE_MODE.regular, size: 3000, source: { content: small } },
      ],
      [],
      out,
    );
    const listing = execFileSync("unzip", ["-Zl", out], { encoding: "utf8" });
    expect(listing).toMatch(/300000 b-\s+300000 stor 80-Jan-01 00:00 lib\/ext\.so/);
    expect(listing).toMatch(/3000 b-\s+3000 stor 80-Jan-01 00:00 lib\/small\.so/);
    expect(execFileSync("unzip", ["-p", out, "lib/small.so"]).equals(small)).toBe(true);
    const zip = readFileSync(out);
    expect(zip.readUInt16LE(6) & 0x08).toBe(0); // general purpose flag bit 3: no data descriptor
    expect(zip.readUInt32LE(18)).toBe(300_000); // sizes are in the local header
  });

  it("marks non-ASCII names as UTF-8", async () => {
    const out = join(dir, "utf8.zip");
    await writeZip([{ archivePath: "café.txt", mode: FILE_MODE.regular, size: 2, source: { content: Buffer.from("ok") } }], [], out);
    const zip = readFileSync(out);
    expect(zip.readUInt16LE(6) & 0x0800).toBe(0x0800);
    const target = join(dir, "utf8");
    await extractZip(out, target);
    expect(readFileSync(join(target, "café.txt"), "utf8")).toBe("ok");
  });

  it("fails and leaves nothing behind when a streamed file changed size since planning", async () => {
    const out = join(dir, "grown.zip");
    const grown = entries.map((e) => (e.archivePath === "z/big.txt" ? { ...e, size: e.size - 1 } : e));
    await expect(writeZip(grown, [], out, { inFlight: 2, entryBufferBytes: 100, chunkBytes: 100 })).rejects.toThrow(/z\/big.txt changed size while packaging/);
    expect(readdirSync(dir).filter((name) => name.startsWith("grown"))).toEqual([]);
  });

  it("leaves no partial zip behind when a file vanishes mid-build", async () => {
    const out = join(dir, "broken.zip");
    const missing: PlannedEntry = { archivePath: "gone", mode: FILE_MODE.regular, size: 10, source: { path: join(dir, "does-not-exist") } };
    await expect(writeZip([...entries, missing], [], out)).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir).filter((name) => name.startsWith("broken"))).toEqual([]);
  });
});
