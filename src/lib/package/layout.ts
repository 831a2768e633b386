import { stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { checkOutputPath } from "../output-file.js";
import { classifyHead, isExecutable, readHead, type FileKind } from "./detect.js";
import { isInside, realpathOrUsage, resolveInclude, walkInputs, type InputRoot } from "./inputs.js";
import { FILE_MODE, LANGUAGES, type InputMode, type Language } from "./limits.js";
import { bootstrapEntries, checkBootstrapOptions, linksAwsLambdaGo, type BootstrapConfig, type BootstrapStyle } from "./layout-bootstrap.js";
import { renderWrapper, type WrapperConfig } from "./wrapper.js";

/** What `awsblog package <language>` was asked to ship. */
export interface PackageRequest {
  language: Language;
  entry: string;
  runtimeDir?: string;
  includes: string[];
  name?: string;
  input?: InputMode;
  out: string;
  cwd: string;
  /** "provided.al2023": a bootstrap layout; otherwise the Node.js wrapper. */
  runtime?: string;
  /** Expected architecture; the program's or interpreter's ELF must match. */
  arch?: "x86_64" | "arm64";
  /** Go: the program speaks the Runtime API itself (else detected from its build info). */
  runtimeApi?: boolean;
  style?: BootstrapStyle;
  /** Where a compiled bootstrap is written until the zip is (the caller removes it). */
  tempDir?: string;
  /** The environment the Go toolchain runs in (PATH, HOME, GOCACHE…). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** One zip entry: a file from disk, or generated content (the wrapper). */
export interface PlannedEntry {
  archivePath: string;
  mode: number;
  size: number;
  source: { path: string } | { content: Buffer };
}

export interface PackagePlan {
  entries: PlannedEntry[];
  emptyDirs: string[];
  handler: string;
  /** What the zip runs (the wrapper's config, or for a bootstrap the same fields). */
  wrapper: WrapperConfig;
  /** Set for the provided.al2023 layout. */
  bootstrap?: BootstrapConfig;
  /** Architecture of the Go binary or the PHP/Ruby interpreter, when it is ELF. */
  architecture?: string;
}

const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

export async function planPackage(request: PackageRequest): Promise<PackagePlan> {
  const { language } = request;
  const name = request.name ?? language;
  if (!NAME_PATTERN.test(name)) throw new UsageError(`--name ${name}: use letters, digits, '-' or '_' (it becomes ${name}.js and ${name}.handler)`, "e.g. --name php");
  const bootstrapLayout = request.runtime === "provided.al2023";
  if (request.runtime !== undefined && !bootstrapLayout && !/^nodejs\d+\.x$/.test(request.runtime)) {
    throw new UsageError(`--runtime ${request.runtime}: package builds for provided.al2023 (a bootstrap) or a Node.js runtime (the wrapper)`, "pass --runtime provided.al2023, or leave it out for the Node.js wrapper");
  }
  if (!bootstrapLayout && (request.runtimeApi || request.style)) throw new UsageError(`${request.runtimeApi ? "--runtime-api" : "--style"} needs --runtime provided.al2023`, "add --runtime provided.al2023");
  if (bootstrapLayout) checkBootstrapOptions(language, request);
  const input = request.input ?? LANGUAGES[language].defaultInput;

  const entryReal = await realpathOrUsage(resolve(request.cwd, request.entry), "--entry");
  if (!(await stat(entryReal)).isFile()) throw new UsageError(`--entry ${request.entry}: not a file`, entryHint(language));
  const roots: InputRoot[] = [{ realPath: entryReal, archivePath: basename(entryReal) }];

  let runtimeName: string | undefined;
  if (request.runtimeDir !== undefined) {
    const real = await realpathOrUsage(resolve(request.cwd, request.runtimeDir), "--runtime-dir");
    if (!(await stat(real)).isDirectory()) throw new UsageError(`--runtime-dir ${request.runtimeDir}: not a directory`, "pass the folder that holds the runtime (bin/… inside)");
    runtimeName = basename(real);
    roots.push({ realPath: real, archivePath: runtimeName });
  } else if (LANGUAGES[language].interpreter) {
    throw new UsageError(`${language} needs --runtime-dir`, `Lambda's Node.js runtime has no ${language}: pass the folder holding your compiled ${LANGUAGES[language].interpreter}`);
  }
  for (const path of request.includes) roots.push(await resolveInclude(path, request.cwd));

  const outReal = resolve(request.cwd, request.out);
  if (roots.some((root) => root.realPath !== entryReal && isInside(outReal, root.realPath))) {
    throw new UsageError(`--out ${request.out}: it is inside the inputs and would zip itself`, "write the zip somewhere else");
  }
  // Before any work (exit 2, not an ENOENT/EISDIR after zipping, never a rename over a device).
  await checkOutputPath(request.out, "--out", request.cwd);

  const walked = await walkInputs(roots, roots.map((root) => root.realPath));
  const interpreter = LANGUAGES[language].interpreter;
  const wrapper: WrapperConfig = {
    language,
    input,
    program: interpreter ? `${runtimeName}/${interpreter}` : basename(entryReal),
    args: interpreter ? [basename(entryReal)] : [],
    ...(runtimeName ? { runtimeDir: runtimeName } : {}),
  };

  const byPath = new Map<string, PlannedEntry>();
  const wrapperSource = Buffer.from(renderWrapper(wrapper));
  if (!bootstrapLayout) byPath.set(`${name}.js`, { archivePath: `${name}.js`, mode: FILE_MODE.regular, size: wrapperSource.length, source: { content: wrapperSource } });
  const kinds = await mapLimit(walked.files, 16, async (file) => classifyHead(await readHead(file.realPath)));
  walked.files.forEach((file, index) => {
    const existing = byPath.get(file.archivePath);
    if (existing) throw new UsageError(`two inputs both become ${file.archivePath} in the zip`, "rename one, or drop the overlapping --include");
    const kind = kinds[index] as FileKind;
    const mode = isExecutable(kind, file.diskMode) ? FILE_MODE.executable : FILE_MODE.regular;
    byPath.set(file.archivePath, { archivePath: file.archivePath, mode, size: file.size, source: { path: file.realPath } });
  });

  const programIndex = walked.files.findIndex((file) => file.archivePath === wrapper.program);
  const programKind = kinds[programIndex];
  if (!programKind) throw new UsageError(`--runtime-dir has no ${LANGUAGES[language].interpreter}`, `point --runtime-dir at the folder that holds ${LANGUAGES[language].interpreter}`);
  if (language === "go" && !programKind.elf) throw new UsageError(`--entry ${request.entry}: not a Linux (ELF) binary`, entryHint(language));
  if (!programKind.elf && !programKind.shebang) throw new UsageError(`${wrapper.program}: neither an ELF binary nor a script with #!`, "point --runtime-dir at a Linux build of the interpreter");

  const architecture = programKind.elfMachine;
  if (request.arch && architecture && architecture !== request.arch) {
    throw new UsageError(`--arch ${request.arch}: ${wrapper.program} is built for ${architecture}`, language === "go" ? `rebuild with GOARCH=${request.arch === "arm64" ? "arm64" : "amd64"}, or pass --arch ${architecture}` : `point --runtime-dir at an ${request.arch} build, or pass --arch ${architecture}`);
  }
  let bootstrap: BootstrapConfig | undefined;
  if (bootstrapLayout) {
    const entryName = basename(entryReal);
    const runtimeApi = language === "go" && (request.runtimeApi === true || (await linksAwsLambdaGo(entryReal)));
    const added = await bootstrapEntries({
      language,
      entry: entryName,
      entrySource: entryReal,
      runtimeDir: runtimeName,
      interpreter: LANGUAGES[language].interpreter,
      input,
      style: request.style ?? (request.input ? "script" : "handler"),
      runtimeApi,
      architecture: request.arch ?? (architecture === "arm64" ? "arm64" : "x86_64"),
      tempDir: request.tempDir ?? dirname(outReal),
      env: request.env ?? {},
      signal: request.signal,
    });
    for (const path of added.drop) byPath.delete(path);
    for (const entry of added.entries) {
      if (byPath.has(entry.archivePath)) throw new UsageError(`the inputs already hold ${entry.archivePath}, which the provided.al2023 layout writes`, "rename that file or leave it out");
      const size = "content" in entry.source ? entry.source.content.length : (await stat(entry.source.path)).size;
      byPath.set(entry.archivePath, { ...entry, size });
    }
    bootstrap = added.config;
  }
  return {
    entries: [...byPath.values()].sort((a, b) => compareBytes(a.archivePath, b.archivePath)),
    emptyDirs: walked.emptyDirs.sort(compareBytes),
    handler: bootstrap ? "bootstrap" : `${name}.handler`,
    wrapper,
    bootstrap,
    architecture,
  };
}

function entryHint(language: Language): string {
  if (language === "go") return "build it for Lambda: GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -o app";
  return `pass the ${language} script Lambda should run`;
}

/** Sorting by UTF-8 bytes keeps the order identical on every machine and locale. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

