import yazl from "yazl";

/** The thumbnailer's code as a zip (moto stores it; nothing in the playground runs it). */
export function lambdaZip(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from("export const handler = async (event) => ({ resized: event.Records?.length ?? 0 });\n"), "index.mjs", { mtime: new Date(0), mode: 0o100644 });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}
