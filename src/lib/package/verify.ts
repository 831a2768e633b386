import { classifyHead, HEAD_BYTES } from "./detect.js";
import { LAMBDA_BASE_LIBRARIES, neededLibraries } from "./elf.js";
import { LAMBDA_LIMITS, humanSize } from "./limits.js";
import { BOOTSTRAP_CONFIG_FILE, type BootstrapConfig } from "./layout-bootstrap.js";
import { checkBootstrap, parseBootstrapConfig, type BootstrapReport } from "./verify-bootstrap.js";
import type { FileKind } from "./detect.js";
import { WRAPPER_MARKER, type WrapperConfig } from "./wrapper.js";
import { EntryReader, openZip, readEntryChecked, type ZipEntryInfo } from "./zip-reader.js";

/** What `awsblog package verify` reports about a zip, wherever it was made. */
export interface Finding {
  code:
    | "no-handler-file"
    | "handler-file-missing"
    | "not-executable"
    | "crlf-shebang"
    | "unsafe-path"
    | "symlink"
    | "wrapper-program-missing"
    | "zipped-too-large"
    | "unzipped-too-large"
    | "missing-shared-library"
    | "corrupt-entry"
    | "crc-mismatch"
    | "encrypted"
    | "unsupported-method"
    | "bootstrap-not-runnable"
    | "bootstrap-program-missing"
    | "wrong-architecture";
  path?: string;
  message: string;
}

export interface VerifyReport {
  zip: string;
  entries: number;
  zippedBytes: number;
  unzippedBytes: number;
  /** .js/.mjs/.cjs files at the zip root: what a Node.js handler string can name. */
  handlerFiles: string[];
  wrapper?: WrapperConfig & { file: string; /** Lambda architecture of the program, when it is an ELF binary. */ architecture?: "x86_64" | "arm64" };
  /** provided.al2023 layout: `bootstrap` at the zip root. */
  bootstrap?: BootstrapReport;
  findings: Finding[];
}

const HANDLER_FILE = /^[^/]+\.(c|m)?js$/;
const WRAPPER_MAX_BYTES = 64 * 1024;
const SHARED_LIBRARY = /\.so(\.\d+)*$/;

export interface VerifyOptions {
  handler?: string;
  /** The architecture the function will have (provided.al2023 zips are checked against it). */
  arch?: string;
}

export async function verifyZip(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  return (await inspectZip(path, options)).report;
}

/** The report plus every file path in the zip, for callers that check more (deploy). */
export async function inspectZip(path: string, options: VerifyOptions = {}): Promise<{ report: VerifyReport; paths: Set<string> }> {
  const zip = await openZip(path);
  const findings: Finding[] = [];
  const files = new Map<string, ZipEntryInfo>();
  const machines = new Map<string, string>();
  const needs = new Map<string, string[]>();
  let bootstrapKind: FileKind | undefined;
  let bootstrapConfig: BootstrapConfig | undefined;
  const report: VerifyReport = { zip: path, entries: 0, zippedBytes: zip.fileSize, unzippedBytes: 0, handlerFiles: [], findings };
  try {
    await zip.forEach(async (entry, read) => {
      report.entries++;
      report.unzippedBytes += entry.uncompressedSize;
      if (entry.unsafePath) findings.push({ code: "unsafe-path", path: entry.path, message: `unsafe path (${entry.unsafePath}): unzip tools may write outside the target` });
      if (entry.isSymlink) findings.push({ code: "symlink", path: entry.path, message: "symbolic link: its target may not exist in /var/task; store the file itself" });
      if (entry.isDirectory || entry.isSymlink) return;
      files.set(entry.path, entry);
      if (HANDLER_FILE.test(entry.path)) report.handlerFiles.push(entry.path);
      const problem = unreadable(entry);
      if (problem) return void findings.push(problem);
      let head: Buffer;
      try {
        const whole = await readEntryChecked(read, entry.path.endsWith(".js") || entry.path === BOOTSTRAP_CONFIG_FILE ? WRAPPER_MAX_BYTES : HEAD_BYTES);
        if (whole.crc32 !== entry.crc32 >>> 0) {
          return void findings.push({ code: "crc-mismatch", path: entry.path, message: `CRC-32 of the data is ${hex(whole.crc32)}, the zip says ${hex(entry.crc32)}: the entry is corrupt and Lambda cannot unzip it` });
        }
        head = whole.head;
      } catch (error) {
        return void findings.push({ code: "corrupt-entry", path: entry.path, message: `cannot be read: ${(error as Error).message}; Lambda cannot unzip it` });
      }
      const kind = classifyHead(head.subarray(0, HEAD_BYTES));
      if (entry.path === "bootstrap") bootstrapKind = kind;
      if (entry.path === BOOTSTRAP_CONFIG_FILE) bootstrapConfig = parseBootstrapConfig(head.toString("utf8"));
      if (kind.elfMachine) machines.set(entry.path, kind.elfMachine);
      if (kind.elf) {
        const reader = new EntryReader(read);
        try {
          needs.set(entry.path, await neededLibraries((offset, length) => reader.readAt(offset, length)));
        } catch {
          // The bytes passed the CRC check; a layout we cannot follow proves nothing.
        } finally {
          reader.close();
        }
      }
      const executable = entry.unixMode !== undefined && (entry.unixMode & 0o111) === 0o111;
      // Shared libraries are mapped, not executed: they work without exec bits.
      if ((kind.elf || kind.shebang) && !executable && !SHARED_LIBRARY.test(entry.path)) {
        const mode = entry.unixMode === undefined ? "no Unix mode" : `mode ${(entry.unixMode & 0o777).toString(8).padStart(4, "0")}`;
        findings.push({ code: "not-executable", path: entry.path, message: `${kind.elf ? "ELF binary" : "script"} without exec bits for all users (${mode}): Lambda will fail with "permission denied"` });
      }
      if (kind.shebang && kind.shebangCrlf) findings.push({ code: "crlf-shebang", path: entry.path, message: "shebang line ends in CRLF: the kernel looks for an interpreter whose name ends in \\r" });
      const wrapper = parseWrapper(head);
      if (wrapper && HANDLER_FILE.test(entry.path)) report.wrapper = { ...wrapper, file: entry.path };
    });
  } finally {
    zip.close();
  }
  const machine = report.wrapper && machines.get(report.wrapper.program);
  if (report.wrapper && (machine === "x86_64" || machine === "arm64")) report.wrapper.architecture = machine;
  checkHandler(report, files, options.handler, bootstrapKind !== undefined);
  const bootstrap = checkBootstrap(new Set(files.keys()), bootstrapKind, bootstrapConfig, machines, options.arch);
  if (bootstrap.bootstrap) report.bootstrap = bootstrap.bootstrap;
  findings.push(...bootstrap.findings);
  checkLibraries(report, files, needs);
  checkSizes(report);
  return { report, paths: new Set(files.keys()) };
}

/** The handler `<module>.<export>` needs `<module>.js`, `.mjs` or `.cjs` in the zip. */
export function handlerFileMissing(handler: string, paths: Set<string>): Finding | undefined {
  const module = handler.slice(0, handler.lastIndexOf("."));
  if ([".js", ".mjs", ".cjs"].some((ext) => paths.has(`${module}${ext}`))) return undefined;
  return { code: "handler-file-missing", message: `handler ${handler} needs ${module}.js (or .mjs/.cjs) in the zip` };
}

/** The handler string of the awsblog wrapper in a zip, if there is one. */
export function wrapperHandler(report: VerifyReport): string | undefined {
  return report.wrapper ? `${report.wrapper.file.replace(/\.(c|m)?js$/, "")}.handler` : undefined;
}

function checkHandler(report: VerifyReport, files: Map<string, ZipEntryInfo>, handler: string | undefined, hasBootstrap: boolean): void {
  // provided.al2023 starts `bootstrap` and hands it the handler string: no file to look for.
  const missing = handler && !hasBootstrap ? handlerFileMissing(handler, new Set(files.keys())) : undefined;
  if (missing) report.findings.push(missing);
  else if (!handler && report.handlerFiles.length === 0 && !hasBootstrap) {
    report.findings.push({ code: "no-handler-file", message: "no .js/.mjs/.cjs file and no bootstrap at the zip root: neither a Node.js runtime nor provided.al2023 has anything to start" });
  }
  const wrapper = report.wrapper;
  if (!wrapper) return;
  for (const needed of [wrapper.program, ...wrapper.args]) {
    if (!files.has(needed)) report.findings.push({ code: "wrapper-program-missing", path: needed, message: `${wrapper.file} runs ${needed}, which is not in the zip` });
  }
}

/** Entries no unzip on Lambda can read, whatever their bytes. */
function unreadable(entry: ZipEntryInfo): Finding | undefined {
  if (entry.encrypted) return { code: "encrypted", path: entry.path, message: "encrypted: Lambda cannot unzip it (zip without a password)" };
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    return { code: "unsupported-method", path: entry.path, message: `compression method ${entry.compressionMethod}: Lambda unzips only stored (0) and deflated (8) entries` };
  }
  return undefined;
}

/**
 * Every DT_NEEDED library must be in the zip (any folder: the wrapper puts <runtime>/lib on
 * LD_LIBRARY_PATH, Lambda adds /var/task/lib, and RUNPATHs vary) or in Lambda's base image.
 */
function checkLibraries(report: VerifyReport, files: Map<string, ZipEntryInfo>, needs: Map<string, string[]>): void {
  const shipped = new Set([...files.keys()].map((path) => path.slice(path.lastIndexOf("/") + 1)));
  for (const [path, libraries] of needs) {
    const missing = libraries.filter((library) => !shipped.has(library) && !LAMBDA_BASE_LIBRARIES.has(library));
    if (missing.length === 0) continue;
    report.findings.push({
      code: "missing-shared-library",
      path,
      message: `needs ${missing.join(", ")}, in neither the zip nor Lambda's base image: it will fail with "error while loading shared libraries" (ship ${missing.length > 1 ? "them" : "it"} in <runtime>/lib)`,
    });
  }
}

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, "0")}`;
}

function checkSizes(report: VerifyReport): void {
  if (report.zippedBytes > LAMBDA_LIMITS.zippedBytes) {
    report.findings.push({ code: "zipped-too-large", message: `${humanSize(report.zippedBytes)} zipped: above the 50 MB direct-upload limit (upload through S3)` });
  }
  if (report.unzippedBytes > LAMBDA_LIMITS.unzippedBytes) {
    report.findings.push({ code: "unzipped-too-large", message: `${humanSize(report.unzippedBytes)} unzipped: above Lambda's 250 MB limit` });
  }
}

function parseWrapper(head: Buffer): WrapperConfig | undefined {
  const text = head.toString("utf8");
  if (!text.startsWith(WRAPPER_MARKER)) return undefined;
  const match = /^const CONFIG = (.*);$/m.exec(text);
  try {
    return match?.[1] ? (JSON.parse(match[1]) as WrapperConfig) : undefined;
  } catch {
    return undefined;
  }
}
