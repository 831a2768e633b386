import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, readFile, rename, rm } from "node:fs/promises";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { deflateRaw } from "node:zlib";
import { promisify } from "node:util";
import yazl from "yazl";
import { FILE_MODE, fixedZipDate } from "./limits.js";
import type { PlannedEntry } from "./layout.js";

/**
 * Writes the planned entries with yazl. Speed comes from two choices (bench/package):
 *  - files up to BUFFER_MAX are read whole and handed to yazl.addBuffer, which deflates them
 *    on libuv's thread pool at once, so several files compress in parallel while earlier
 *    ones are written; bigger files stream through addReadStreamLazy;
 *  - files whose samples do not compress (already-compressed or random data) are stored,
 *    as Info-ZIP does after trying, without spending CPU to learn it the slow way.
 * Memory stays bounded: a streamed entry is a barrier (yazl asks for its stream only when
 * everything before it is written), and at most two windows of buffered files exist at once.
 * Every choice depends only on file sizes and bytes, so the same inputs give the same zip.
 */
export interface ZipStats {
  entries: number;
  zippedBytes: number;
  unzippedBytes: number;
  /** base64 SHA-256 of the zip, the form Lambda reports as CodeSha256. */
  codeSha256: string;
}

const BUFFER_MAX = 8 * 1024 * 1024;
const WINDOW_BYTES = 32 * 1024 * 1024;
const SAMPLE_BYTES = 64 * 1024;
/** Stored when a sample shrinks by less than this fraction (deflate would only waste time). */
const MIN_SAVING = 0.03;
const COMPRESSION_LEVEL = 6;

const deflateRawAsync = promisify(deflateRaw);

/** Thresholds, adjustable so tests can reach the streamed and windowed paths with small files. */
export interface ZipTuning {
  bufferMax: number;
  windowBytes: number;
}

export async function writeZip(entries: PlannedEntry[], emptyDirs: string[], out: string, tuning: ZipTuning = { bufferMax: BUFFER_MAX, windowBytes: WINDOW_BYTES }): Promise<ZipStats> {
  const temp = `${out}.${process.pid}.tmp`;
  const zip = new yazl.ZipFile();
  let zippedBytes = 0;
  const hash = createHash("sha256");
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      zippedBytes += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const written = pipeline(zip.outputStream, counter, createWriteStream(temp));
  const state = { failed: false };
  const failed = new Promise<never>((_resolve, reject) => zip.on("error", reject));
  const feeding = feed(zip, entries, emptyDirs, tuning, state);
  for (const promise of [written, failed, feeding]) promise.catch(() => {});
  try {
    await Promise.race([feeding, failed]);
    zip.end();
    await Promise.race([written, failed]);
    await rename(temp, out);
  } catch (error) {
    // Stop feeding, close the file, and leave no half-written zip behind.
    state.failed = true;
    (zip.outputStream as Readable).destroy();
    await written.catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
  const unzippedBytes = entries.reduce((sum, entry) => sum + entry.size, 0);
  return { entries: entries.length + emptyDirs.length, zippedBytes, unzippedBytes, codeSha256: hash.digest("base64") };
}

async function feed(zip: yazl.ZipFile, entries: PlannedEntry[], emptyDirs: string[], tuning: ZipTuning, state: { failed: boolean }): Promise<void> {
  const mtime = fixedZipDate();
  const options = (entry: PlannedEntry, compress: boolean) => ({ mtime, mode: entry.mode, compress, forceDosTimestamp: true, ...(compress ? { compressionLevel: COMPRESSION_LEVEL } : {}) });
  // Barrier of the previous window: resolves when yazl starts writing its streamed entry.
  let previousBarrier: Promise<void> = Promise.resolve();
  let windowBytes = 0;
  const dirs = new Set(emptyDirs);
  const addDirsBefore = (path: string | undefined) => {
    for (const dir of [...dirs].filter((d) => path === undefined || `${d}/` < path)) {
      zip.addEmptyDirectory(dir, { mtime, mode: FILE_MODE.directory, forceDosTimestamp: true });
      dirs.delete(dir);
    }
  };

  for (const entry of entries) {
    if (state.failed) return;
    addDirsBefore(entry.archivePath);
    if ("content" in entry.source) {
      zip.addBuffer(entry.source.content, entry.archivePath, options(entry, await compressible(entry.source.content)));
      continue;
    }
    const path = entry.source.path;
    if (entry.size <= tuning.bufferMax && windowBytes + entry.size <= tuning.windowBytes) {
      windowBytes += entry.size;
      const data = await readFile(path);
      if (data.length !== entry.size) throw new Error(`${entry.archivePath} changed size while packaging`);
      zip.addBuffer(data, entry.archivePath, options(entry, await compressible(data)));
      continue;
    }
    // Streamed entry: also the barrier that bounds how much is buffered.
    const compress = await compressible(await readSample(path, entry.size));
    let reached!: () => void;
    const barrier = new Promise<void>((resolve) => (reached = resolve));
    zip.addReadStreamLazy(entry.archivePath, { ...options(entry, compress), size: entry.size }, (callback) => {
      reached();
      // yazl does not watch the stream for errors; a file removed meanwhile must fail the zip.
      const stream = createReadStream(path);
      stream.on("error", (error) => zip.emit("error", error));
      callback(null, stream);
    });
    await previousBarrier;
    previousBarrier = barrier;
    windowBytes = 0;
  }
  addDirsBefore(undefined);
}

async function compressible(data: Buffer): Promise<boolean> {
  if (data.length < 512) return data.length > 0;
  const sample = data.length > 2 * SAMPLE_BYTES ? Buffer.concat([data.subarray(0, SAMPLE_BYTES), middle(data)]) : data;
  const deflated = await deflateRawAsync(sample, { level: 1 });
  return deflated.length < sample.length * (1 - MIN_SAVING);
}

function middle(data: Buffer): Buffer {
  const start = Math.floor(data.length / 2);
  return data.subarray(start, start + SAMPLE_BYTES);
}

async function readSample(path: string, size: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const first = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    await handle.read(first, 0, first.length, 0);
    if (size <= 2 * SAMPLE_BYTES) return first;
    const mid = Buffer.alloc(SAMPLE_BYTES);
    await handle.read(mid, 0, SAMPLE_BYTES, Math.floor(size / 2));
    return Buffer.concat([first, mid]);
  } finally {
    await handle.close();
  }
}
