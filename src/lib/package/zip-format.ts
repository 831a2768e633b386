import type { ZipItem } from "./zip-source.js";

// The zip records awsblog writes (APPNOTE 4.3): no extra fields, no comments, no ZIP64.

/** DOS date of 1980-01-01, time 00:00: the fixed timestamp of every entry. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const UNIX_VERSION_MADE_BY = (3 << 8) | 30;

/** Written with zeros before the data, then again with the method, CRC and sizes. */
export function localHeader(item: ZipItem, method: number, crc: number, compressed: number, uncompressed: number): Buffer {
  const header = Buffer.alloc(30 + item.name.length);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(method === 8 ? 20 : 10, 4);
  header.writeUInt16LE(generalFlags(item), 6);
  header.writeUInt16LE(method, 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  header.writeUInt32LE(crc, 14);
  header.writeUInt32LE(compressed, 18);
  header.writeUInt32LE(uncompressed, 22);
  header.writeUInt16LE(item.name.length, 26);
  header.writeUInt16LE(0, 28);
  item.name.copy(header, 30);
  return header;
}

export function centralHeader(item: ZipItem, method: number, crc: number, compressed: number, offset: number): Buffer {
  const header = Buffer.alloc(46 + item.name.length);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(UNIX_VERSION_MADE_BY, 4);
  header.writeUInt16LE(method === 8 ? 20 : 10, 6);
  header.writeUInt16LE(generalFlags(item), 8);
  header.writeUInt16LE(method, 10);
  header.writeUInt16LE(DOS_TIME, 12);
  header.writeUInt16LE(DOS_DATE, 14);
  header.writeUInt32LE(crc, 16);
  header.writeUInt32LE(compressed, 20);
  header.writeUInt32LE(item.size, 24);
  header.writeUInt16LE(item.name.length, 28);
  // extra (30), comment (32), disk (34), internal attributes (36): zero
  const dosDirectory = item.source ? 0 : 0x10;
  header.writeUInt32LE(((item.mode << 16) | dosDirectory) >>> 0, 38);
  header.writeUInt32LE(offset, 42);
  item.name.copy(header, 46);
  return header;
}

export function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(count, 8);
  record.writeUInt16LE(count, 10);
  record.writeUInt32LE(size, 12);
  record.writeUInt32LE(offset, 16);
  return record;
}

/** Bit 11: the name is UTF-8 (set only when it is not plain ASCII, as Info-ZIP does). */
function generalFlags(item: ZipItem): number {
  return item.name.some((byte) => byte > 0x7f) ? 0x0800 : 0;
}
