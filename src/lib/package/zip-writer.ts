import { createHash } from "node:crypto";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { createDeflateRaw, crc32, deflateRaw } from "node:zlib";
import { once } from "node:events";
import { promisify } from "node:util";
import { FailureError, UsageError } from "../errors.js";
import { checkOutputPath, refuseSpecialFile, writeFailure } from "../output-file.js";
import { compareBytes, type PlannedEntry } from "./layout.js";
import { FILE_MODE } from "./limits.js";
import { centralHeader, endOfCentralDirectory, localHeader } from "./zip-format.js";
import { BufferPool, Channel, changedSize, openSource, type Piece, type ZipItem } from "./zip-source.js";

/**
 * A zip writer built for runtime trees (bench/package, issue #15):
 *  - every entry is streamed: files are read in `chunkBytes` pieces through reused buffers, never whole;
 *  - a fixed number of entries is in flight (`inFlight`), whatever the tree's size: the
 *    entry being written streams straight to the file, the ones after it deflate at the same
 *    time (zlib's async API runs on libuv's thread pool, so on every core) into a buffer of at
 *    most `entryBufferBytes` each, then wait (backpressure) until it is their turn;
 *  - a file of 4 KB or more whose first SAMPLE_BYTES barely shrink at level 1 is stored, not deflated (already
 *    compressed data: .so, .phar, images); a deflated entry that came out no smaller than the
 *    file is rewritten stored, as Info-ZIP does;
 *  - the local header is written first and its CRC and sizes are filled in once the entry is
 *    done (the file is seekable), so there are no data descriptors.
 * Every choice depends only on the bytes and the sorted names, never on timing, so the same
 * inputs give the same zip on any machine and with any parallelism.
 */
export interface ZipStats {
  entries: number;
  zippedBytes: number;
  unzippedBytes: number;
  /** base64 SHA-256 of the zip, the form Lambda reports as CodeSha256. */
  codeSha256: string;
}

export interface ZipTuning {
  /** Entries read and deflated at once (the one being written included). */
  inFlight: number;
  /** Output an entry may hold while it waits for its turn. */
  entryBufferBytes: number;
  /** Read size. */
  chunkBytes: number;
}

/**
 * Measured on bench/package's 1 GB tree (peak RSS): 4 × 1 MB with 128 KB reads 106 MB,
 * 3 × 512 KB 97 MB, 3 × 256 KB with 64 KB reads 94 MB, 2 × 512 KB 93 MB. Three in flight keep
 * both cores deflating; most of what remains is Node.js itself (~50 MB before any work).
 */
export const DEFAULT_TUNING: ZipTuning = { inFlight: 3, entryBufferBytes: 256 * 1024, chunkBytes: 64 * 1024 };
/** zlib's output pieces: smaller ones leave less garbage between collections. */
const DEFLATE_CHUNK_BYTES = 16 * 1024;

/** Enough to tell compressed or random bytes from text and code, cheap at level 1. */
const SAMPLE_BYTES = 16 * 1024;
/** Below this, deflate (and store if it did not pay) as Info-ZIP does: a sample says little. */
const SAMPLE_MIN_FILE = 4 * 1024;
/** Stored when the sample shrinks by less than this fraction: deflate would only spend CPU. */
const MIN_SAVING = 0.03;
const COMPRESSION_LEVEL = 6;
const MAX_32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

const deflateRawAsync = promisify(deflateRaw);

/** An error from writing the zip itself (not from reading an input): the file system said no. */
function onOutput(error: unknown, temp: string, out: string): boolean {
  const e = error as NodeJS.ErrnoException & { dest?: string };
  return Boolean(e.code) && (e.syscall === "write" || e.path === temp || e.path === out || e.dest === out);
}

/** Writes the zip to a temp file beside `out`, then renames it over `out` (never over a device or FIFO). */
export async function writeZip(entries: PlannedEntry[], emptyDirs: string[], out: string, tuning: ZipTuning = DEFAULT_TUNING, flag = "--out"): Promise<ZipStats> {
  const items: ZipItem[] = [
    ...entries.map((entry) => ({ name: Buffer.from(entry.archivePath), mode: entry.mode, size: entry.size, source: entry.source, label: entry.archivePath })),
    ...emptyDirs.map((dir) => ({ name: Buffer.from(`${dir}/`), mode: FILE_MODE.directory, size: 0, label: `${dir}/` })),
  ].sort((a, b) => compareBytes(a.label, b.label));
  if (items.length > MAX_ENTRIES) throw new UsageError(`${items.length} entries: more than a zip without ZIP64 holds (65,535)`, "ship fewer files, e.g. bundle them into an archive inside the zip");
  for (const item of items) {
    if (item.size > MAX_32) throw new UsageError(`${item.label} is ${item.size} bytes: above 4 GiB, more than a Lambda zip can hold`, "leave it out of the package");
  }

  await checkOutputPath(out, flag);
  const temp = `${out}.${process.pid}.tmp`;
  const file = await open(temp, "wx").catch((error: unknown) => Promise.reject(writeFailure(out, error)));
  const state = { aborted: false };
  let zippedBytes: number;
  try {
    zippedBytes = await writeItems(file, items, tuning, state);
    await file.close();
    // Checked again at the last moment: what was a regular file (or nothing) when we started
    // must not have become a device or FIFO that the rename would replace.
    await refuseSpecialFile(out, flag);
    await rename(temp, out);
  } catch (error) {
    state.aborted = true;
    await file.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw onOutput(error, temp, out) ? writeFailure(out, error) : error;
  }
  const unzippedBytes = entries.reduce((sum, entry) => sum + entry.size, 0);
  return { entries: items.length, zippedBytes, unzippedBytes, codeSha256: await sha256(out) };
}

async function writeItems(file: FileHandle, items: ZipItem[], tuning: ZipTuning, state: { aborted: boolean }): Promise<number> {
  const channels = new Array<Channel | undefined>(items.length);
  const pool = new BufferPool(tuning.chunkBytes);
  const producers: Promise<void>[] = [];
  let started = 0;
  const startUpTo = (limit: number) => {
    for (; started < Math.min(limit, items.length); started++) {
      const channel = new Channel(tuning.entryBufferBytes);
      channels[started] = channel;
      const item = items[started]!;
      producers.push(produce(item, channel, pool, state).catch((error: unknown) => channel.end(error)));
    }
  };

  const central: Buffer[] = [];
  let position = 0;
  const write = async (buffers: Buffer[]) => {
    let offset = 0;
    while (offset < buffers.length) {
      // writev takes at most IOV_MAX (1024) buffers at a time.
      const batch = buffers.slice(offset, offset + 512);
      const expected = batch.reduce((sum, b) => sum + b.length, 0);
      const { bytesWritten } = await file.writev(batch, position);
      if (bytesWritten !== expected) throw new FailureError(`short write to the zip (${bytesWritten} of ${expected} bytes)`, "check the free space where --out points");
      position += expected;
      offset += batch.length;
    }
  };

  try {
    for (let index = 0; index < items.length; index++) {
      startUpTo(index + tuning.inFlight);
      const item = items[index]!;
      const channel = channels[index]!;
      const headerOffset = position;
      await write([localHeader(item, 0, 0, 0, 0)]);
      const dataStart = position;
      for (let pieces = await channel.take(); pieces; pieces = await channel.take()) {
        await write(pieces.map((piece) => piece.data));
        for (const piece of pieces) piece.release?.();
      }
      channels[index] = undefined;
      let method = item.source ? channel.method : 0;
      let compressed = position - dataStart;
      if (method === 8 && compressed >= item.size) {
        // Deflate did not pay for this file after all: store it, as Info-ZIP does.
        position = dataStart;
        await copyStored(item, write, pool);
        method = 0;
        compressed = item.size;
      }
      const header = localHeader(item, method, channel.crc >>> 0, compressed, item.size);
      await file.write(header, 0, header.length, headerOffset);
      if (position > MAX_32) throw new UsageError("the zip would exceed 4 GiB", "Lambda takes at most 250 MB unzipped: ship less");
      central.push(centralHeader(item, method, channel.crc >>> 0, compressed, headerOffset));
    }
    const centralStart = position;
    await write(central);
    await write([endOfCentralDirectory(items.length, position - centralStart, centralStart)]);
    await file.truncate(position);
    return position;
  } finally {
    state.aborted = true;
    for (const channel of channels) channel?.release();
    await Promise.allSettled(producers);
  }
}

/** Reads, checks and (unless the sample says otherwise) deflates one entry into its channel. */
async function produce(item: ZipItem, channel: Channel, pool: BufferPool, state: { aborted: boolean }): Promise<void> {
  if (!item.source) return channel.end();
  const reader = await openSource(item, pool);
  try {
    // The sample is the first SAMPLE_BYTES whatever the read size, so the choice never
    // depends on tuning. Small files are deflated (and stored if that did not pay).
    const head: Piece[] = [];
    for (let seen = 0; seen < Math.min(SAMPLE_BYTES, item.size); ) {
      const piece = await reader.next();
      if (!piece) break;
      head.push(piece);
      seen += piece.data.length;
    }
    const sample = () => Buffer.concat(head.map((piece) => piece.data)).subarray(0, SAMPLE_BYTES);
    channel.method = item.size === 0 || (item.size >= SAMPLE_MIN_FILE && !(await pays(sample()))) ? 0 : 8;
    const next = async () => head.shift() ?? (await reader.next());
    let chunk = await next();
    const deflate = channel.method === 8 ? createDeflateRaw({ level: COMPRESSION_LEVEL, chunkSize: DEFLATE_CHUNK_BYTES }) : undefined;
    const pumped = deflate ? pump(deflate, channel) : undefined;
    pumped?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    try {
      while (chunk) {
        if (state.aborted) throw new Error("aborted");
        channel.crc = crc32(chunk.data, channel.crc);
        channel.readBytes += chunk.data.length;
        if (channel.readBytes > item.size) {
          chunk.release?.();
          throw changedSize(item, channel.readBytes);
        }
        if (deflate) {
          const { release } = chunk;
          if (!deflate.write(chunk.data, () => release?.())) await Promise.race([once(deflate, "drain"), pumped]);
        } else await channel.push(chunk);
        chunk = await next();
      }
      if (channel.readBytes !== item.size) throw changedSize(item, channel.readBytes);
      deflate?.end();
      await pumped;
    } catch (error) {
      deflate?.destroy();
      await pumped?.catch(() => {});
      throw error;
    }
  } finally {
    await reader.close();
  }
  channel.end();
}

async function pump(deflate: ReturnType<typeof createDeflateRaw>, channel: Channel): Promise<void> {
  for await (const out of deflate) await channel.push({ data: out as Buffer });
}

async function pays(sample: Buffer): Promise<boolean> {
  const deflated = await deflateRawAsync(sample, { level: 1 });
  return deflated.length < sample.length * (1 - MIN_SAVING);
}

/** Writes an entry's bytes again, uncompressed (the rare file whose sample compressed but whose whole did not). */
async function copyStored(item: ZipItem, write: (buffers: Buffer[]) => Promise<void>, pool: BufferPool): Promise<void> {
  const reader = await openSource(item, pool);
  let total = 0;
  try {
    for (let chunk = await reader.next(); chunk; chunk = await reader.next()) {
      total += chunk.data.length;
      try {
        if (total > item.size) throw changedSize(item, total);
        await write([chunk.data]);
      } finally {
        chunk.release?.();
      }
    }
  } finally {
    await reader.close();
  }
  if (total !== item.size) throw changedSize(item, total);
}

/** Hashes the finished zip through one reused buffer. */
async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafeSlow(1024 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest("base64");
}
