import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { extractZip } from "./extract.js";
import { BOOTSTRAP_CONFIG_FILE } from "./layout-bootstrap.js";
import { FILE_MODE } from "./limits.js";
import type { PlannedEntry } from "./layout.js";
import type { VerifyReport } from "./verify.js";
import { LAYER_AWARE_MARKER } from "./wrapper.js";
import { writeZip, type ZipStats } from "./zip-writer.js";

/** A package split for `deploy --layer`: the runtime tree, and everything else. */
export interface LayerSplit {
  /** The runtime dir's name: `<dir>/…` in the layer zip, `/opt/<dir>` on Lambda. */
  runtimeDir: string;
  layer: { path: string } & ZipStats;
  function: { path: string } & ZipStats;
}

/**
 * Splits a zip built by `awsblog package php|ruby` into a layer holding its runtime dir and a
 * function zip holding the rest. Both are written as reproducibly as the original (same
 * order, modes and fixed times), so an unchanged runtime gives an unchanged layer checksum
 * and `deploy` publishes no new version.
 */
export async function splitForLayer(zip: string, report: VerifyReport, workDir: string): Promise<LayerSplit> {
  const tree = join(workDir, "tree");
  await extractZip(zip, tree);
  const runtimeDir = report.wrapper?.runtimeDir ?? (await bootstrapRuntimeDir(tree));
  if (!runtimeDir) {
    throw new UsageError(`--layer: ${zip} has no runtime dir to publish as a layer (a Go program carries its own)`, "deploy it without --layer");
  }
  const launcher = report.wrapper?.file ?? (report.bootstrap ? "bootstrap" : undefined);
  const text = launcher ? await readFile(join(tree, launcher), "utf8").catch(() => "") : "";
  if (!text.includes(LAYER_AWARE_MARKER)) {
    throw new UsageError(`--layer: ${zip}'s ${launcher ?? "launcher"} looks for ${runtimeDir}/ only inside the zip`, "rebuild the zip with this awsblog's package command, which also looks in /opt");
  }
  const files = await walk(tree, "");
  const inLayer = (entry: PlannedEntry) => entry.archivePath === runtimeDir || entry.archivePath.startsWith(`${runtimeDir}/`);
  const layerEntries = files.filter(inLayer);
  const functionEntries = files.filter((entry) => !inLayer(entry));
  if (layerEntries.length === 0) throw new UsageError(`--layer: ${zip} holds nothing under ${runtimeDir}/`, "rebuild it with awsblog package --runtime-dir");
  const layerPath = join(workDir, "layer.zip");
  const functionPath = join(workDir, "function.zip");
  const layer = await writeZip(layerEntries, [], layerPath, undefined, "--layer");
  const fn = await writeZip(functionEntries, [], functionPath, undefined, "--layer");
  return { runtimeDir, layer: { path: layerPath, ...layer }, function: { path: functionPath, ...fn } };
}

async function bootstrapRuntimeDir(tree: string): Promise<string | undefined> {
  const text = await readFile(join(tree, BOOTSTRAP_CONFIG_FILE), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const dir = (JSON.parse(text) as { runtimeDir?: unknown }).runtimeDir;
    return typeof dir === "string" && dir ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The extracted files as zip entries, executables kept executable (extractZip refused links). */
async function walk(root: string, prefix: string): Promise<PlannedEntry[]> {
  const entries: PlannedEntry[] = [];
  for (const name of await readdir(join(root, prefix))) {
    const archivePath = prefix ? `${prefix}/${name}` : name;
    const path = join(root, archivePath);
    const info = await lstat(path);
    if (info.isDirectory()) entries.push(...(await walk(root, archivePath)));
    else if (info.isFile()) entries.push({ archivePath, size: info.size, mode: info.mode & 0o111 ? FILE_MODE.executable : FILE_MODE.regular, source: { path } });
  }
  return entries;
}
