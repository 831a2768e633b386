import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

/**
 * Results that finish out of order, handed on in order. Each entry (an index and its items)
 * is `put` as it finishes; `due()` hands over every entry whose turn has come. Up to
 * `inMemory` items wait in memory; past that, a finished entry waits in a private temp file
 * (JSON Lines, 0600 in a 0700 folder under `tmpDir`, removed by `close()`), so one slow entry
 * at the head cannot make memory grow with everything that finishes behind it. When the file
 * cannot be written (disk full, no temp folder) the entry stays in memory: never lost.
 * Items must survive JSON (plain objects, arrays, strings, numbers, booleans, null).
 * `due()`/`rest()` must not run concurrently (one releaser at a time keeps the order).
 */
export interface InOrder<T> {
  put(index: number, items: T[]): Promise<void>;
  /** The entries whose turn has come (the next index, and each one after it already in). */
  due(): AsyncGenerator<{ index: number; items: T[] }>;
  /** Every entry still held, in index order, gaps skipped (after Ctrl-C some never started). */
  rest(): AsyncGenerator<{ index: number; items: T[] }>;
  /** Entries and items that went to the file so far, for --debug. */
  readonly spilled: { entries: number; items: number };
  close(): Promise<void>;
}

export interface InOrderOptions {
  /** Items held in memory, out of turn, before entries go to the file. */
  inMemory: number;
  /** The temp folder's parent (the run's TMPDIR). */
  tmpDir: string;
  /** Told once, when the file cannot be used (the entries stay in memory). */
  onFileError?(message: string): void;
}

type Held<T> = { items: T[] } | { at: number; length: number; count: number };

interface SpillFile {
  dir: string;
  handle: FileHandle;
}

export function inOrder<T>(options: InOrderOptions): InOrder<T> {
  const held = new Map<number, Held<T>>();
  const spilled = { entries: 0, items: 0 };
  let next = 0;
  let inMemory = 0;
  let onDisk = 0;
  let size = 0;
  let file: Promise<SpillFile | undefined> | undefined;
  let closed = false;

  const openFile = async (): Promise<SpillFile | undefined> => {
    try {
      const dir = await mkdtemp(join(options.tmpDir, "awsblog-held-"));
      return { dir, handle: await open(join(dir, "held.jsonl"), "w+", 0o600) };
    } catch (error) {
      options.onFileError?.(`findings wait in memory: no temp file in ${options.tmpDir} (${(error as Error).message})`);
      return undefined;
    }
  };

  const keep = (index: number, items: T[]) => {
    held.set(index, { items });
    inMemory += items.length;
  };

  const take = async (index: number): Promise<T[]> => {
    const entry = held.get(index)!;
    held.delete(index);
    if ("items" in entry) {
      inMemory -= entry.items.length;
      return entry.items;
    }
    const { handle } = (await file)!;
    const buffer = Buffer.alloc(entry.length);
    await handle.read(buffer, 0, entry.length, entry.at);
    // Once nothing waits in the file, the next entry is written from its start again: the file
    // grows with what waits at once, not with the run.
    if (--onDisk === 0) size = 0;
    return buffer.toString("utf8").split("\n", entry.count).map((line) => JSON.parse(line) as T);
  };

  return {
    spilled,
    async put(index, items) {
      // After close() (a run stopped by an unexpected error, its other targets still finishing) no new file.
      if (closed || index === next || items.length === 0 || inMemory + items.length <= options.inMemory) return keep(index, items);
      const f = await (file ??= openFile());
      if (!f) return keep(index, items);
      const buffer = Buffer.from(`${items.map((item) => JSON.stringify(item)).join("\n")}\n`);
      // The place is taken before the write awaits: entries finishing together do not overlap.
      const at = size;
      size += buffer.length;
      onDisk++;
      try {
        await f.handle.write(buffer, 0, buffer.length, at);
      } catch (error) {
        onDisk--;
        options.onFileError?.(`findings wait in memory: the temp file could not be written (${(error as Error).message})`);
        return keep(index, items);
      }
      held.set(index, { at, length: buffer.length, count: items.length });
      spilled.entries++;
      spilled.items += items.length;
    },
    async *due() {
      while (held.has(next)) {
        const index = next++;
        yield { index, items: await take(index) };
      }
    },
    async *rest() {
      for (const index of [...held.keys()].sort((a, b) => a - b)) {
        next = index + 1;
        yield { index, items: await take(index) };
      }
    },
    async close() {
      closed = true;
      const f = await file;
      if (!f) return;
      await f.handle.close().catch(() => {});
      await rm(f.dir, { recursive: true, force: true });
    },
  };
}
