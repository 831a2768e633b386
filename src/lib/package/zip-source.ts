import { open, type FileHandle } from "node:fs/promises";
import { FailureError } from "../errors.js";

/** Streaming pieces of the zip writer: sources read through reused buffers, and the per-entry channels with backpressure. */

export type Source = { path: string } | { content: Buffer };

export interface ZipItem {
  name: Buffer;
  mode: number;
  size: number;
  /** Undefined for directories. */
  source?: Source;
  label: string;
}

/**
 * Read buffers, reused: allocating a fresh one per read leaves tens of MB of garbage between
 * collections (and in malloc's free lists), which is most of the difference in peak RSS.
 */
export class BufferPool {
  private free: Buffer[] = [];
  constructor(readonly size: number) {}
  get(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }
  put(buffer: Buffer): void {
    if (this.free.length < 64) this.free.push(buffer);
  }
}

/** A piece of an entry's output; `release` hands its buffer back once written. */
export interface Piece {
  data: Buffer;
  release?: () => void;
}

/** One entry's output on its way to the file, with backpressure beyond `limit` bytes. */
export class Channel {
  private chunks: Piece[] = [];
  private bytes = 0;
  private released = false;
  private done = false;
  private failure: unknown;
  private wakeConsumer?: () => void;
  private wakeProducer?: () => void;
  method: 0 | 8 = 8;
  crc = 0;
  readBytes = 0;

  constructor(private readonly limit: number) {}

  async push(piece: Piece): Promise<void> {
    this.chunks.push(piece);
    this.bytes += piece.data.length;
    this.wakeConsumer?.();
    while (this.bytes > this.limit && !this.released) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    }
  }

  end(error?: unknown): void {
    this.done = true;
    this.failure = error;
    this.wakeConsumer?.();
    this.wakeProducer?.();
  }

  /** Lets a waiting producer go on (to see that the zip was abandoned). */
  release(): void {
    this.released = true;
    this.wakeProducer?.();
  }

  /** Everything queued so far, or null when the entry is complete. */
  async take(): Promise<Piece[] | null> {
    for (;;) {
      if (this.chunks.length > 0) {
        const chunks = this.chunks;
        this.chunks = [];
        this.bytes = 0;
        this.wakeProducer?.();
        return chunks;
      }
      if (this.done) {
        if (this.failure) throw this.failure;
        return null;
      }
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
      this.wakeConsumer = undefined;
    }
  }
}

export interface SourceReader {
  next(): Promise<Piece | undefined>;
  close(): Promise<void>;
}

export async function openSource(item: ZipItem, pool: BufferPool): Promise<SourceReader> {
  const source = item.source!;
  if ("content" in source) {
    let offset = 0;
    return {
      next: async () => {
        if (offset >= source.content.length) return undefined;
        const data = source.content.subarray(offset, offset + pool.size);
        offset += data.length;
        return { data };
      },
      close: async () => {},
    };
  }
  let handle: FileHandle;
  try {
    handle = await open(source.path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new FailureError(`${item.label}: cannot read ${source.path} (${code})`, "it changed while packaging; run the command again", { cause: error });
  }
  let position = 0;
  return {
    async next() {
      // One byte more than planned shows a file that grew since it was listed.
      const want = Math.min(pool.size, Math.max(1, item.size - position + 1));
      const buffer = pool.get();
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, want, position));
      } catch (error) {
        pool.put(buffer);
        throw error;
      }
      position += bytesRead;
      if (bytesRead === 0) {
        pool.put(buffer);
        return undefined;
      }
      return { data: buffer.subarray(0, bytesRead), release: () => pool.put(buffer) };
    },
    close: () => handle.close(),
  };
}

export function changedSize(item: ZipItem, read: number): FailureError {
  return new FailureError(`${item.label} changed size while packaging (listed at ${item.size} bytes, ${read > item.size ? "grew past that" : `read ${read}`})`, "run the command again once nothing is writing to the inputs");
}
