// One input stream (the operator's stdin) fanned out to many commands as it arrives, as clush
// does: every command gets every byte from the start, however late it starts; a command that
// ends before the input does simply stops listening. Bytes read are kept for late starters.
import type { Readable } from 'node:stream';

export class InputFeed {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private readonly listeners = new Set<{ chunk: (b: Buffer) => void; end: () => void }>();

  /** A feed of `stream`'s bytes (read from now on, until it ends or errors). */
  static from(stream: Readable): InputFeed {
    const feed = new InputFeed();
    stream.on('data', (b: Buffer | string) => feed.push(Buffer.from(b)));
    stream.once('end', () => feed.end());
    stream.once('error', () => feed.end());
    return feed;
  }

  /** A feed of fixed bytes. */
  static of(bytes: string | Buffer): InputFeed {
    const feed = new InputFeed();
    feed.push(Buffer.from(bytes));
    feed.end();
    return feed;
  }

  push(chunk: Buffer): void {
    if (this.ended || chunk.length === 0) {
      return;
    }
    this.chunks.push(chunk);
    for (const l of this.listeners) {
      l.chunk(chunk);
    }
  }

  end(): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    for (const l of this.listeners) {
      l.end();
    }
    this.listeners.clear();
  }

  /** Everything so far, then each new chunk, then the end; returns the way to stop listening. */
  subscribe(chunk: (b: Buffer) => void, end: () => void): () => void {
    for (const c of this.chunks) {
      chunk(c);
    }
    if (this.ended) {
      end();
      return () => undefined;
    }
    const l = { chunk, end };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
