import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { tempDir } from "./helpers.js";

/** --run-local of a binary built for the other architecture: say so, do not hand it to /bin/sh. */
let dir: string;
let cleanup: () => void;
const host = process.arch === "arm64" ? "arm64" : "x86_64";
const foreign = host === "arm64" ? { name: "x86_64", machine: 0x3e, emulator: "qemu-x86_64" } : { name: "arm64", machine: 0xb7, emulator: "qemu-aarch64" };
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  // An ELF header for the other architecture; the shell would try to run the rest as text.
  const elf = Buffer.alloc(256, 0x0a);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf);
  elf.writeUInt16LE(2, 16);
  elf.writeUInt16LE(foreign.machine, 18);
  Buffer.from(`\necho ran-through-the-shell > ${join(dir, "marker")}\n`).copy(elf, 64);
  writeFileSync(join(dir, "app"), elf, { mode: 0o755 });
});
afterAll(() => cleanup());

describe.skipIf(existsSync(`/proc/sys/fs/binfmt_misc/${foreign.emulator}`))("--run-local of a foreign binary", () => {
  it("exits 2 naming both architectures, after writing the zip, and runs nothing", async () => {
    const out = join(dir, "foreign.zip");
    const run = await awsblog(["package", "go", "--entry", join(dir, "app"), "--out", out, "--run-local"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^awsblog: --run-local: app is built for ${foreign.name} and this machine is ${host}, so it cannot run here — the zip is at ${out.replaceAll("/", "\\/")}; deploy it to an ${foreign.name} function`, "m"));
    expect(run.stdout).toBe("");
    expect(existsSync(out)).toBe(true);
    expect(existsSync(join(dir, "marker"))).toBe(false);
  });
});
