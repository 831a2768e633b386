import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import { open } from "node:fs/promises";
import type { AwsClientFactory } from "./factory.js";

/** Where an uploaded object landed. */
export interface S3Object {
  bucket: string;
  key: string;
  /** Set when the bucket is versioned: Lambda then deploys exactly this version. */
  versionId?: string;
  /** S3's SHA-256 checksum of the object (of its parts' checksums for a multipart upload). */
  checksumSha256?: string;
  size: number;
  /** 1 for a single PutObject. */
  parts: number;
}

/** The S3 calls awsblog makes, narrow so tests can hand in their own. */
export interface S3Api {
  /**
   * Uploads a file: one PutObject up to one part, else a multipart upload of `partBytes`
   * parts, `inFlight` at a time. Every request carries the SHA-256 of its bytes, which S3
   * checks on receipt. On failure or abort (Ctrl-C) the parts in flight are cancelled and
   * the multipart upload is aborted, so no parts stay billed in the bucket.
   */
  uploadFile(file: { path: string; size: number }, target: { bucket: string; key: string }, options: { partBytes: number; inFlight?: number; signal?: AbortSignal }): Promise<S3Object>;
  /** The object's size and version, or undefined when it does not exist (or cannot be seen). */
  head(bucket: string, key: string, signal?: AbortSignal): Promise<{ size: number; versionId?: string; checksumSha256?: string } | undefined>;
}

const CONTENT_TYPE = "application/zip";

export async function createS3Api(aws: AwsClientFactory): Promise<S3Api> {
  const client = await aws.client(S3Client);
  const version = (id: string | undefined) => (id && id !== "null" ? id : undefined);
  return {
    async uploadFile(file, target, options) {
      const handle = await open(file.path, "r");
      const readPart = async (index: number): Promise<Buffer> => {
        const start = index * options.partBytes;
        const buffer = Buffer.alloc(Math.min(options.partBytes, file.size - start));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        if (bytesRead !== buffer.length) throw new Error(`${file.path} changed while uploading (read ${start + bytesRead} of ${file.size} bytes)`);
        return buffer;
      };
      const { Bucket, Key } = { Bucket: target.bucket, Key: target.key };
      try {
        const count = Math.max(1, Math.ceil(file.size / options.partBytes));
        if (count === 1) {
          const out = await client.send(new PutObjectCommand({ Bucket, Key, Body: await readPart(0), ContentType: CONTENT_TYPE, ChecksumAlgorithm: "SHA256" }), { abortSignal: options.signal });
          return { bucket: Bucket, key: Key, versionId: version(out.VersionId), checksumSha256: out.ChecksumSHA256, size: file.size, parts: 1 };
        }
        const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: CONTENT_TYPE, ChecksumAlgorithm: "SHA256" }), { abortSignal: options.signal });
        if (!UploadId) throw new Error("S3 CreateMultipartUpload answered without an UploadId");
        // Cancels the parts in flight when one fails, as Ctrl-C does.
        const stop = new AbortController();
        const onAbort = () => stop.abort();
        options.signal?.addEventListener("abort", onAbort, { once: true });
        try {
          const parts: CompletedPart[] = new Array(count);
          let next = 0;
          const worker = async () => {
            for (let index = next++; index < count && !stop.signal.aborted; index = next++) {
              const body = await readPart(index);
              const out = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: index + 1, Body: body, ChecksumAlgorithm: "SHA256" }), { abortSignal: stop.signal });
              parts[index] = { PartNumber: index + 1, ETag: out.ETag, ChecksumSHA256: out.ChecksumSHA256 };
            }
          };
          const workers = Array.from({ length: Math.min(options.inFlight ?? 4, count) }, () => worker().catch((error: unknown) => {
            stop.abort();
            throw error;
          }));
          const settled = await Promise.allSettled(workers);
          const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
          if (failed || options.signal?.aborted) throw failed?.reason ?? options.signal?.reason;
          const out = await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }), { abortSignal: options.signal });
          return { bucket: Bucket, key: Key, versionId: version(out.VersionId), checksumSha256: out.ChecksumSHA256, size: file.size, parts: count };
        } catch (error) {
          // Every part has settled: one abort frees them all. Sent without the run's signal.
          await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
          throw error;
        } finally {
          options.signal?.removeEventListener("abort", onAbort);
        }
      } finally {
        await handle.close();
      }
    },
    async head(bucket, key, signal) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }), { abortSignal: signal });
        return { size: out.ContentLength ?? 0, versionId: version(out.VersionId), checksumSha256: out.ChecksumSHA256 };
      } catch (error) {
        const code = (error as { code?: string }).code;
        // A missing key in a bucket the caller may not list answers 403, not 404: upload then.
        if (code === "NotFound" || code === "NoSuchKey" || code === "Forbidden") return undefined;
        throw error;
      }
    },
  };
}
