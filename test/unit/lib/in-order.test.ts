import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inOrder } from "../../../src/lib/in-order.js";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "in-order-test-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function drain<T>(gen: AsyncGenerator<{ index: number; items: T[] }>) {
  const out: [number, T[]][] = [];
  for await (const { index, items } of gen) out.push([index, items]);
  return out;
}

const items = (index: number, n = 2) => Array.from({ length: n }, (_, i) => ({ id: `t${index}-${i}`, tags: { "Name ünï": "x\ny" }, missing: ["A"], vpcId: null, untagged: false }));

describe("inOrder: out of order in, in order out", () => {
  it("hands entries over only when every index before them is in", async () => {
    const held = inOrder<ReturnType<typeof items>[number]>({ inMemory: 100, tmpDir: freshDir() });
    await held.put(2, items(2));
    await held.put(1, items(1));
    expect(await drain(held.due())).toEqual([]); // 0 is not in yet
    await held.put(0, items(0));
    expect((await drain(held.due())).map(([i]) => i)).toEqual([0, 1, 2]);
    await held.put(4, items(4));
    expect(await drain(held.due())).toEqual([]);
    expect((await drain(held.rest())).map(([i]) => i)).toEqual([4]); // the gap (3 never ran) is skipped
    expect(held.spilled).toEqual({ entries: 0, items: 0 });
    await held.close();
  });

  it("past `inMemory` items, entries wait in a private temp file and come back unchanged; close removes it", async () => {
    const tmpDir = freshDir();
    const held = inOrder<ReturnType<typeof items>[number]>({ inMemory: 3, tmpDir });
    await held.put(1, items(1)); // 2 in memory
    await held.put(2, items(2)); // 4 > 3: to the file
    await held.put(3, items(3, 3));
    expect(held.spilled).toEqual({ entries: 2, items: 5 });
    const [folder] = readdirSync(tmpDir);
    expect(folder).toMatch(/^awsblog-held-/);
    const file = join(tmpDir, folder!, "held.jsonl");
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(5);
    expect(readdirSync(tmpDir, { withFileTypes: true }).map((d) => d.isDirectory())).toEqual([true]);

    await held.put(0, items(0)); // its turn: never spilled
    const out = await drain(held.due());
    expect(out).toEqual([0, 1, 2, 3].map((i) => [i, items(i, i === 3 ? 3 : 2)]));

    // Nothing waits in the file: the next entry is written from its start again.
    await held.put(5, items(5, 4));
    expect(held.spilled).toEqual({ entries: 3, items: 9 });
    expect(readFileSync(file, "utf8").split("\n").slice(0, 4).map((l) => JSON.parse(l).id)).toEqual(["t5-0", "t5-1", "t5-2", "t5-3"]);
    await held.put(4, items(4));
    expect((await drain(held.due())).map(([i, x]) => [i, x.length])).toEqual([[4, 2], [5, 4]]);

    await held.close();
    expect(readdirSync(tmpDir)).toEqual([]);
    // A straggler after close (the run already ended on an error) makes no new file.
    await held.put(9, items(9, 5));
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it("mode 0600 in a 0700 folder", async () => {
    const tmpDir = freshDir();
    const held = inOrder<{ n: number }>({ inMemory: 0, tmpDir });
    await held.put(1, [{ n: 1 }]);
    const { statSync } = await import("node:fs");
    const folder = join(tmpDir, readdirSync(tmpDir)[0]!);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, "held.jsonl")).mode & 0o777).toBe(0o600);
    await held.close();
  });

  it("no usable temp folder: says so once, keeps the entries in memory, loses nothing", async () => {
    const said: string[] = [];
    const held = inOrder<{ n: number }>({ inMemory: 0, tmpDir: join(freshDir(), "missing"), onFileError: (m) => said.push(m) });
    await held.put(2, [{ n: 2 }]);
    await held.put(1, [{ n: 1 }]);
    await held.put(0, [{ n: 0 }]);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^findings wait in memory: no temp file in .*missing \(ENOENT/);
    expect(await drain(held.due())).toEqual([[0, [{ n: 0 }]], [1, [{ n: 1 }]], [2, [{ n: 2 }]]]);
    expect(held.spilled).toEqual({ entries: 0, items: 0 });
    await held.close();
  });
});
