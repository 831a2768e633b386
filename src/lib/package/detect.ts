import { open } from "node:fs/promises";

/** What the first bytes of a file say about how Lambda will run it. */
export interface FileKind {
  elf: boolean;
  /** "x86_64", "arm64" or the raw e_machine number, for ELF files. */
  elfMachine?: string;
  shebang: boolean;
  /** The shebang line ends in CR: the kernel looks for an interpreter named "ruby\r". */
  shebangCrlf: boolean;
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const MACHINES: Record<number, string> = { 0x3e: "x86_64", 0xb7: "arm64", 0x03: "x86", 0x28: "arm" };

/** Classifies a file from its first bytes (256 are enough for ELF headers and shebang lines). */
export function classifyHead(head: Buffer): FileKind {
  if (head.length >= 20 && head.subarray(0, 4).equals(ELF_MAGIC)) {
    const littleEndian = head[5] !== 2;
    const machine = littleEndian ? head.readUInt16LE(18) : head.readUInt16BE(18);
    return { elf: true, elfMachine: MACHINES[machine] ?? String(machine), shebang: false, shebangCrlf: false };
  }
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) {
    const newline = head.indexOf(0x0a);
    const crlf = newline > 0 && head[newline - 1] === 0x0d;
    return { elf: false, shebang: true, shebangCrlf: crlf };
  }
  return { elf: false, shebang: false, shebangCrlf: false };
}

export const HEAD_BYTES = 256;

export async function readHead(path: string, bytes = HEAD_BYTES): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Executables get 0755: ELF binaries, scripts with a shebang, and files already executable. */
export function isExecutable(kind: FileKind, mode: number): boolean {
  return kind.elf || kind.shebang || (mode & 0o111) !== 0;
}
