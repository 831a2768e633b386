import { UsageError } from "../errors.js";

/** The approve and reject links of one task, in the post's API Gateway shape. */
export interface ApprovalLinks {
  approveUrl: string;
  rejectUrl: string;
}

/**
 * Checks `--base-url` once, before polling: an absolute http(s) URL without query or
 * fragment (the links add their own query). A trailing slash is dropped when building links so a stage path such
 * as `https://x.execute-api…/respond/` gives `…/respond/succeed`.
 */
export function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`--base-url "${raw}" is not an absolute URL`, "e.g. --base-url https://approvals.example.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`--base-url must be http or https, got ${url.protocol}`, "e.g. --base-url https://approvals.example.com");
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new UsageError("--base-url must not carry a query, fragment or credentials", "pass only scheme, host and path");
  }
  return url;
}

/** True when links would travel in clear text to a host other than this machine. */
export function isInsecureBaseUrl(url: URL): boolean {
  return url.protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

export function approvalLinks(base: URL, taskToken: string): ApprovalLinks {
  const prefix = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;
  const query = `?taskToken=${encodeURIComponent(taskToken)}`;
  return { approveUrl: `${prefix}/succeed${query}`, rejectUrl: `${prefix}/fail${query}` };
}
