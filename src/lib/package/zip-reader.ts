import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import { UsageError } from "../errors.js";

/** One entry of an existing zip, with the Unix details Lambda cares about. */
export interface ZipEntryInfo {
  path: string;
  /** Why the path is unsafe to extract (absolute, `..`, backslashes), if it is. */
  unsafePath?: string;
  /** Unix mode (type and permission bits) when the zip was made on a Unix host. */
  unixMode?: number;
  isDirectory: boolean;
  isSymlink: boolean;
  compressedSize: number;
  uncompressedSize: number;
  /** CRC-32 the central directory records for the entry's bytes. */
  crc32: number;
  compressionMethod: number;
  encrypted: boolean;
}

export interface OpenedZip {
  fileSize: number;
  /** Visits entries in order; `read` streams the entry's bytes while inside the callback. */
  forEach(visit: (entry: ZipEntryInfo, read: () => Promise<Readable>) => Promise<void>): Promise<void>;
  close(): void;
}

const UNIX_HOST = 3;
const TYPE_MASK = 0o170000;

export async function openZip(path: string): Promise<OpenedZip> {
  // Opening a FIFO for reading waits for a writer; a device never ends: only files are zips.
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: cannot read (${error.code ?? error.message})`, "check the path", { cause: error });
  });
  if (!info.isFile()) throw new UsageError(`${path}: not a regular file (${kindOf(info)})`, "pass the path of a zip file");
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code ? code : (error as Error).message;
    throw new UsageError(`${path}: cannot read as a zip (${reason})`, "check the path, or rebuild it with awsblog package", { cause: error });
  }
  return {
    fileSize: zip.fileSize,
    async forEach(visit) {
      const entries = zip.eachEntry();
      for (;;) {
        let next: IteratorResult<yauzl.Entry>;
        try {
          next = await entries.next();
        } catch (error) {
          // The central directory itself is broken (lying end record, bad signatures).
          throw new UsageError(`${path}: not a valid zip (${(error as Error).message})`, "rebuild it, e.g. with awsblog package", { cause: error });
        }
        if (next.done) break;
        const raw = next.value;
        await visit(describe(raw), () => zip.openReadStreamPromise(raw));
      }
    },
    close: () => zip.close(),
  };
}

function describe(raw: yauzl.Entry): ZipEntryInfo {
  const path = Buffer.isBuffer(raw.fileName) ? raw.fileName.toString("utf8") : String(raw.fileName);
  const unsafe = yauzl.validateFileName(path) ?? undefined;
  const fromUnix = raw.versionMadeBy >> 8 === UNIX_HOST;
  const unixMode = fromUnix ? raw.externalFileAttributes >>> 16 : undefined;
  const isDirectory = path.endsWith("/") || (unixMode !== undefined && (unixMode & TYPE_MASK) === 0o040000);
  return {
    path,
    unsafePath: unsafe,
    unixMode: unixMode || undefined,
    isDirectory,
    isSymlink: unixMode !== undefined && (unixMode & TYPE_MASK) === 0o120000,
    compressedSize: raw.compressedSize,
    uncompressedSize: raw.uncompressedSize,
    crc32: raw.crc32,
    compressionMethod: raw.compressionMethod,
    encrypted: raw.isEncrypted(),
  };
}

function kindOf(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a named pipe";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "not a file";
}

export interface ReadEntry {
  head: Buffer;
  bytes: number;
  /** CRC-32 of the bytes actually stored. */
  crc32: number;
}

/**
 * Streams a whole entry once: keeps its first `headBytes`, counts its bytes and computes its
 * CRC-32 (yauzl checks the sizes, not the CRC), so corrupt entries show up without buffering.
 */
export async function readEntryChecked(read: () => Promise<Readable>, headBytes: number): Promise<ReadEntry> {
  const stream = await read();
  const head: Buffer[] = [];
  let headLength = 0;
  let bytes = 0;
  let crc = 0;
  for await (const chunk of stream) {
    const data = chunk as Buffer;
    if (headLength < headBytes) {
      const part = data.subarray(0, headBytes - headLength);
      head.push(Buffer.from(part));
      headLength += part.length;
    }
    bytes += data.length;
    crc = crc32(data, crc);
  }
  return { head: Buffer.concat(head), bytes, crc32: crc >>> 0 };
}

/**
 * Random reads in an entry, served from its stream: forward reads continue the same stream,
 * a read behind the current position starts it again. Memory: the requested ranges only.
 */
export class EntryReader {
  private stream?: Readable;
  private iterator?: AsyncIterator<Buffer>;
  private position = 0;
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly open: () => Promise<Readable>) {}

  async readAt(offset: number, length: number): Promise<Buffer> {
    if (offset < this.position) this.reset();
    if (!this.iterator) {
      this.stream = await this.open();
      this.iterator = (this.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    }
    const out: Buffer[] = [];
    let wanted = length;
    let at = offset;
    while (wanted > 0) {
      if (this.pending.length === 0) {
        const next = await this.iterator.next();
        if (next.done) break;
        this.pending = next.value;
      }
      const skip = at - this.position;
      if (skip >= this.pending.length) {
        this.position += this.pending.length;
        this.pending = Buffer.alloc(0);
        continue;
      }
      const part = this.pending.subarray(skip, skip + wanted);
      out.push(Buffer.from(part));
      this.position += skip + part.length;
      this.pending = this.pending.subarray(skip + part.length);
      at += part.length;
      wanted -= part.length;
    }
    return Buffer.concat(out);
  }

  close(): void {
    this.reset();
  }

  private reset(): void {
    this.stream?.destroy();
    this.stream = undefined;
    this.iterator = undefined;
    this.position = 0;
    this.pending = Buffer.alloc(0);
  }
}
