/** Reads back the worker's MIME mail: headers, decoded subject, and the decoded text/HTML parts. */
export function readMime(raw: Uint8Array) {
  const message = Buffer.from(raw).toString("utf8");
  const [folded = "", ...rest] = message.split("\r\n\r\n");
  const head = folded.replace(/\r\n /g, " "); // unfold continued header lines
  const headers = Object.fromEntries(
    head.split("\r\n").map((line) => {
      const at = line.indexOf(": ");
      return [line.slice(0, at).toLowerCase(), line.slice(at + 2)];
    }),
  );
  const boundary = /boundary="([^"]+)"/.exec(headers["content-type"] ?? "")?.[1] ?? "";
  const parts = rest
    .join("\r\n\r\n")
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [partHead = "", body = ""] = part.replace(/^\r\n/, "").split("\r\n\r\n");
      return { type: /Content-Type: ([^;]+)/.exec(partHead)?.[1], body: Buffer.from(body.replace(/\r\n/g, ""), "base64").toString("utf8") };
    });
  const subject = (headers.subject ?? "")
    .split(" ")
    .map((word) => word.replace(/^=\?UTF-8\?B\?(.*)\?=$/, (_, b64: string) => Buffer.from(b64, "base64").toString("utf8")))
    .join(/=\?UTF-8/.test(headers.subject ?? "") ? "" : " ");
  return {
    headers,
    subject,
    text: parts.find((p) => p.type === "text/plain")?.body ?? "",
    html: parts.find((p) => p.type === "text/html")?.body ?? "",
  };
}
