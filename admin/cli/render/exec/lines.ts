// `salvo exec -L`: each output line as it arrives, prefixed `host: `, stdout to stdout and stderr
// to stderr, in order per host and stream (clush without -b). A line is printed whole once its
// newline arrives; a last line without one is printed when the host ends. Nothing is kept but a
// partial line, and at most MAX_LINE bytes of it: a longer line is printed in pieces of that size,
// each with its prefix (a host printing a gigabyte without a newline costs no memory).
export type Write = (text: string) => void;

export const MAX_LINE = 64 * 1024;

export class LinePrinter {
  private readonly partial = new Map<string, Buffer>();

  constructor(
    private readonly out: Write,
    private readonly err: Write,
  ) {}

  chunk(host: string, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const key = `${stream}\0${host}`;
    const have = this.partial.get(key);
    const bytes = have ? Buffer.concat([have, chunk]) : chunk;
    const last = bytes.lastIndexOf(0x0a);
    if (last < 0) {
      this.partial.set(key, this.flushLong(host, stream, bytes));
      return;
    }
    const lines = bytes.toString('utf8', 0, last).split('\n');
    this.write(stream, lines.map((l) => `${host}: ${l}\n`).join(''));
    if (last + 1 < bytes.length) {
      this.partial.set(key, Buffer.from(this.flushLong(host, stream, bytes.subarray(last + 1))));
    } else {
      this.partial.delete(key);
    }
  }

  /** The host is done: print what is left of its last lines. */
  end(host: string): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const key = `${stream}\0${host}`;
      const rest = this.partial.get(key);
      if (rest !== undefined) {
        this.partial.delete(key);
        this.write(stream, `${host}: ${rest.toString('utf8')}\n`);
      }
    }
  }

  /** Print whole MAX_LINE pieces of a line without its newline yet; returns the rest. */
  private flushLong(host: string, stream: 'stdout' | 'stderr', bytes: Buffer): Buffer {
    let rest = bytes;
    while (rest.length > MAX_LINE) {
      let cut = MAX_LINE;
      while (cut > 0 && (rest[cut]! & 0xc0) === 0x80) {
        cut--; // never split a UTF-8 character
      }
      this.write(stream, `${host}: ${rest.toString('utf8', 0, cut)}\n`);
      rest = rest.subarray(cut);
    }
    return rest;
  }

  private write(stream: 'stdout' | 'stderr', text: string): void {
    (stream === 'stdout' ? this.out : this.err)(text);
  }
}
