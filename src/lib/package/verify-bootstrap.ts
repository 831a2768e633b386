import { BOOTSTRAP_CONFIG_FILE, type BootstrapConfig } from "./layout-bootstrap.js";
import type { FileKind } from "./detect.js";

/** The findings only a bootstrap zip can have (verify.ts adds them to its own). */
export interface BootstrapFinding {
  code: "bootstrap-not-runnable" | "bootstrap-program-missing" | "wrong-architecture";
  path?: string;
  message: string;
}

/** What `package verify` learns about a provided.al2023 zip: `bootstrap` at the root. */
export interface BootstrapReport {
  file: "bootstrap";
  /** "elf" (a compiled bootstrap or the program itself) or "script" (#!). */
  format: "elf" | "script" | "other";
  /** From awsblog-bootstrap.json, when awsblog made the zip. */
  kind?: BootstrapConfig["kind"];
  style?: BootstrapConfig["style"];
  language?: BootstrapConfig["language"];
  program?: string;
  /** Lambda architecture of the bootstrap, or of the interpreter a script bootstrap starts. */
  architecture?: "x86_64" | "arm64";
}

/** Reads awsblog-bootstrap.json; anything unreadable is treated as absent (verify proves, not guesses). */
export function parseBootstrapConfig(text: string): BootstrapConfig | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<BootstrapConfig>;
    return typeof parsed.program === "string" && typeof parsed.kind === "string" && Array.isArray(parsed.args) ? (parsed as BootstrapConfig) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The provided.al2023 checks: bootstrap runnable (ELF or #!, exec bits are checked with every
 * file), what it starts present in the zip, and the architecture Lambda will run it on.
 */
export function checkBootstrap(
  files: Set<string>,
  bootstrapKind: FileKind | undefined,
  config: BootstrapConfig | undefined,
  machines: Map<string, string>,
  arch: string | undefined,
): { bootstrap?: BootstrapReport; findings: BootstrapFinding[] } {
  const findings: BootstrapFinding[] = [];
  if (!bootstrapKind) return { findings };
  const format = bootstrapKind.elf ? "elf" : bootstrapKind.shebang ? "script" : "other";
  const bootstrap: BootstrapReport = { file: "bootstrap", format };
  if (config) Object.assign(bootstrap, { kind: config.kind, style: config.style, language: config.language, program: config.program });
  if (format === "other") {
    findings.push({ code: "bootstrap-not-runnable", path: "bootstrap", message: "neither an ELF binary nor a script with #!: Lambda fails with \"exec format error\" (Runtime.InvalidEntrypoint)" });
  }
  if (config) {
    const needed = config.kind === "program" ? [] : [config.program, ...config.args.filter((arg) => !arg.startsWith("-")), ...(config.kind === "loop" ? [config.entry] : [])];
    for (const path of needed) {
      if (!files.has(path)) findings.push({ code: "bootstrap-program-missing", path, message: `bootstrap runs ${path} (${BOOTSTRAP_CONFIG_FILE}), which is not in the zip` });
    }
  }
  // The ELF that decides the architecture: the bootstrap itself, else what the script starts.
  const machine = machines.get("bootstrap") ?? (config && config.kind !== "program" ? machines.get(config.program) : undefined);
  if (machine === "x86_64" || machine === "arm64") bootstrap.architecture = machine;
  else if (machine) findings.push({ code: "wrong-architecture", path: machines.has("bootstrap") ? "bootstrap" : config?.program, message: `built for ${machine}: Lambda runs x86_64 or arm64` });
  if (arch && bootstrap.architecture && bootstrap.architecture !== arch) {
    findings.push({ code: "wrong-architecture", path: machines.has("bootstrap") ? "bootstrap" : config?.program, message: `built for ${bootstrap.architecture}, but --arch is ${arch}: Lambda fails with "exec format error"` });
  }
  return { bootstrap, findings };
}
