/**
 * The shared libraries an ELF file asks the dynamic linker for (DT_NEEDED), read through
 * `readAt` so the file can be a stream inside a zip. Anything malformed reads as "no needs":
 * verify reports what it can prove, not guesses.
 */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const MAX_TABLE_BYTES = 4 * 1024 * 1024;

export async function neededLibraries(readAt: ReadAt): Promise<string[]> {
  const header = await readAt(0, 64);
  if (header.length < 52 || header.readUInt32BE(0) !== 0x7f454c46) return [];
  const is64 = header[4] === 2;
  const little = header[5] !== 2;
  const u16 = (b: Buffer, o: number) => (little ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const addr = (b: Buffer, o: number) => (is64 ? Number(little ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o));
  const phoff = addr(header, is64 ? 32 : 28);
  const phentsize = u16(header, is64 ? 54 : 42);
  const phnum = u16(header, is64 ? 56 : 44);
  if (phnum === 0 || phentsize < (is64 ? 56 : 32) || phnum * phentsize > MAX_TABLE_BYTES) return [];
  const table = await readAt(phoff, phnum * phentsize);
  if (table.length < phnum * phentsize) return [];

  const loads: { vaddr: number; offset: number; filesz: number }[] = [];
  let dynamic: { offset: number; size: number } | undefined;
  for (let i = 0; i < phnum; i++) {
    const o = i * phentsize;
    const type = u32(table, o);
    const offset = addr(table, is64 ? o + 8 : o + 4);
    const vaddr = addr(table, is64 ? o + 16 : o + 8);
    const filesz = addr(table, is64 ? o + 32 : o + 16);
    if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
    if (type === PT_DYNAMIC) dynamic = { offset, size: filesz };
  }
  if (!dynamic || dynamic.size > MAX_TABLE_BYTES) return []; // statically linked

  const entries = await readAt(dynamic.offset, dynamic.size);
  const entrySize = is64 ? 16 : 8;
  const needed: number[] = [];
  let strtab: number | undefined;
  let strsz: number | undefined;
  for (let o = 0; o + entrySize <= entries.length; o += entrySize) {
    const tag = addr(entries, o);
    const value = addr(entries, o + entrySize / 2);
    if (tag === DT_NULL) break;
    if (tag === DT_NEEDED) needed.push(value);
    if (tag === DT_STRTAB) strtab = value;
    if (tag === DT_STRSZ) strsz = value;
  }
  if (needed.length === 0 || strtab === undefined || strsz === undefined || strsz > MAX_TABLE_BYTES) return [];
  // DT_STRTAB is an address: find the file offset through the segment that loads it.
  const segment = loads.find((load) => strtab >= load.vaddr && strtab < load.vaddr + load.filesz);
  if (!segment) return [];
  const strings = await readAt(segment.offset + (strtab - segment.vaddr), strsz);
  return needed
    .filter((offset) => offset < strings.length)
    .map((offset) => {
      const end = strings.indexOf(0, offset);
      return strings.subarray(offset, end < 0 ? strings.length : end).toString("latin1");
    })
    .filter((name) => name.length > 0);
}

/**
 * Libraries assumed present on Lambda's Node.js runtimes (Amazon Linux 2023 base image; the
 * AL2 image of nodejs16/18 has the same sonames): glibc and the GCC runtime. Anything else a
 * program links against (libxml2, libssl, libonig, libyaml…) has to travel in the zip.
 * See docs/package.md.
 */
export const LAMBDA_BASE_LIBRARIES: ReadonlySet<string> = new Set([
  "ld-linux-x86-64.so.2",
  "ld-linux-aarch64.so.1",
  "linux-vdso.so.1",
  "libc.so.6",
  "libm.so.6",
  "libpthread.so.0",
  "libdl.so.2",
  "librt.so.1",
  "libutil.so.1",
  "libresolv.so.2",
  "libanl.so.1",
  "libnss_files.so.2",
  "libnss_dns.so.2",
  "libmvec.so.1",
  "libBrokenLocale.so.1",
  "libgcc_s.so.1",
  "libstdc++.so.6",
  "libz.so.1",
]);
