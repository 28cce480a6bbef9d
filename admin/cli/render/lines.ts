// `salvo exec -L`: each output line as it arrives, prefixed `host: `, stdout to stdout and stderr
// to stderr, in order per host and stream (clush without -b). A line is printed whole once its
// newline arrives; a last line without one is printed when the host ends.
export type Write = (text: string) => void;

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
      this.partial.set(key, bytes);
      return;
    }
    const lines = bytes.toString('utf8', 0, last).split('\n');
    this.write(stream, lines.map((l) => `${host}: ${l}\n`).join(''));
    if (last + 1 < bytes.length) {
      this.partial.set(key, Buffer.from(bytes.subarray(last + 1)));
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

  private write(stream: 'stdout' | 'stderr', text: string): void {
    (stream === 'stdout' ? this.out : this.err)(text);
  }
}
