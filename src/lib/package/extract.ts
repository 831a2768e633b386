import { createWriteStream } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { UsageError } from "../errors.js";
import { openZip } from "./zip-reader.js";

/**
 * Unpacks a zip the way Lambda does, keeping Unix permission bits. Entries that could land
 * outside the target (absolute, `..`) and symbolic links are refused rather than followed.
 */
export async function extractZip(zipPath: string, target: string): Promise<number> {
  const zip = await openZip(zipPath);
  let files = 0;
  try {
    await zip.forEach(async (entry, read) => {
      if (entry.unsafePath) throw new UsageError(`${zipPath}: entry "${entry.path}" is unsafe (${entry.unsafePath})`, "rebuild the zip with awsblog package");
      if (entry.isSymlink) throw new UsageError(`${zipPath}: entry "${entry.path}" is a symbolic link`, "rebuild the zip with awsblog package (links are stored as files)");
      const destination = join(target, entry.path);
      if (entry.isDirectory) {
        await mkdir(destination, { recursive: true });
        return;
      }
      await mkdir(dirname(destination), { recursive: true });
      const mode = (entry.unixMode ?? 0o644) & 0o777;
      await pipeline(await read(), createWriteStream(destination, { mode }));
      // The umask may have cleared bits the zip asked for.
      await chmod(destination, mode);
      files++;
    });
  } finally {
    zip.close();
  }
  return files;
}
