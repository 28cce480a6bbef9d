// One read of a local file for every host that copies it over SFTP. Hosts run roughly in step,
// so a chunk read for the first host is handed to the others from memory: the profile of a
// 64 MiB file to 20 hosts showed ~20 % of Salvo's one thread in 20 separate reads of the same
// file (threadpool hand-offs, a fresh buffer per host per chunk, and the GC of them). ssh2 copies
// the bytes of a write into its own request, so one buffer can go to every host.
import { open, type FileHandle } from 'node:fs/promises';

/** Chunks kept for hosts behind the others; beyond it a lagging host reads for itself. */
const MAX_CACHED = 64 * 1024 * 1024;

export interface ChunkReader {
  /** The bytes at [position, position + length): a short file gives fewer. Ask in order. */
  read(position: number, length: number): Promise<Buffer>;
  /** Done with the file (also after a failure). */
  leave(): Promise<void>;
}

/** The files of one copy, each opened once while some host reads it. */
export class SharedReads {
  private readonly files = new Map<string, SharedFile>();

  /** A reader of `path` for one host. */
  join(path: string): ChunkReader {
    let file = this.files.get(path);
    if (file === undefined) {
      file = new SharedFile(path, () => this.files.delete(path));
      this.files.set(path, file);
    }
    return file.join();
  }
}

interface Reader {
  /** Everything below it has been asked for (and so may be dropped for this reader). */
  next: number;
}

class SharedFile {
  private readonly readers = new Set<Reader>();
  private readonly chunks = new Map<number, { length: number; bytes: Promise<Buffer> }>();
  private cached = 0;
  private handle: Promise<FileHandle> | undefined;

  constructor(
    private readonly path: string,
    private readonly gone: () => void,
  ) {}

  join(): ChunkReader {
    const me: Reader = { next: 0 };
    this.readers.add(me);
    this.handle ??= open(this.path, 'r');
    let left = false;
    return {
      read: (position, length) => {
        me.next = Math.max(me.next, position + length);
        const bytes = this.chunk(position, length);
        this.sweep();
        return bytes;
      },
      leave: async () => {
        if (left) {
          return;
        }
        left = true;
        this.readers.delete(me);
        this.sweep();
        if (this.readers.size === 0) {
          const handle = this.handle;
          this.handle = undefined;
          this.chunks.clear();
          this.cached = 0;
          this.gone();
          await (await handle?.catch(() => undefined))?.close();
        }
      },
    };
  }

  private chunk(position: number, length: number): Promise<Buffer> {
    const have = this.chunks.get(position);
    if (have !== undefined && have.length === length) {
      return have.bytes;
    }
    const bytes = this.readAt(position, length);
    bytes.catch(() => undefined); // the asking host sees the failure; the cache must not throw
    if (this.readers.size > 1 && this.cached + length <= MAX_CACHED) {
      this.chunks.set(position, { length, bytes });
      this.cached += length;
    }
    return bytes;
  }

  private async readAt(position: number, length: number): Promise<Buffer> {
    if (this.handle === undefined) {
      throw new Error(`${this.path}: read after every host left`);
    }
    const handle = await this.handle;
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(buf, got, length - got, position + got);
      if (bytesRead === 0) {
        break;
      }
      got += bytesRead;
    }
    return got === length ? buf : buf.subarray(0, got);
  }

  /** Drop the chunks every reader has asked for. */
  private sweep(): void {
    let low = Number.POSITIVE_INFINITY;
    for (const r of this.readers) {
      low = Math.min(low, r.next);
    }
    for (const [position, c] of this.chunks) {
      if (position + c.length <= low) {
        this.chunks.delete(position);
        this.cached -= c.length;
      }
    }
  }
}
