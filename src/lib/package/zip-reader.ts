import yauzl from "yauzl";
import type { Readable } from "node:stream";
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
      for await (const raw of zip.eachEntry()) {
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
  };
}

/** The first bytes of an entry, without inflating the rest. */
export async function readEntryHead(read: () => Promise<Readable>, bytes: number): Promise<Buffer> {
  const stream = await read();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total >= bytes) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, bytes);
}
