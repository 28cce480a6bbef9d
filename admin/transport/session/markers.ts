// Finding Salvo's marker lines in a byte stream that arrives in arbitrary chunks, without
// touching a single byte of the command's own output (it may lack a final newline, or hold text
// that looks like a marker from another nonce).

/** The bytes of one stream so far, kept contiguous so a marker split across chunks is found. */
export class ByteSink {
  private buf = Buffer.alloc(0); // most commands print little or nothing: allocate on demand
  private used = 0;

  get length(): number {
    return this.used;
  }

  append(chunk: Buffer): void {
    if (this.used + chunk.length > this.buf.length) {
      // Doubling keeps appends amortised O(1) for large outputs.
      const bigger = Buffer.allocUnsafe(
        Math.max(this.buf.length * 2, this.used + chunk.length, 256),
      );
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    chunk.copy(this.buf, this.used);
    this.used += chunk.length;
  }

  /** A view (not a copy) of bytes [start, end). */
  view(start = 0, end = this.used): Buffer {
    return this.buf.subarray(start, end);
  }
}

/** Where a marker line sits in its stream: [start, end) includes the token and the newline. */
export interface LineHit {
  start: number;
  end: number;
  value: string; // text between the token and the newline
}

/** Finds `token` and the rest of its line; call `scan` after each append until it hits. */
export class LineMarker {
  private readonly token: Buffer;
  private from = 0; // no hit can start before this offset
  private found?: LineHit;

  constructor(token: string) {
    this.token = Buffer.from(token, 'latin1');
  }

  get hit(): LineHit | undefined {
    return this.found;
  }

  scan(sink: ByteSink): LineHit | undefined {
    if (this.found) {
      return this.found;
    }
    const bytes = sink.view();
    const at = bytes.indexOf(this.token, this.from);
    if (at < 0) {
      // Only the last token-length-1 bytes can still begin a match.
      this.from = Math.max(0, bytes.length - this.token.length + 1);
      return undefined;
    }
    this.from = at; // the token is here but its line may not be complete yet
    const nl = bytes.indexOf(0x0a, at + this.token.length);
    if (nl < 0) {
      return undefined;
    }
    this.found = {
      start: at,
      end: nl + 1,
      value: bytes.toString('latin1', at + this.token.length, nl),
    };
    return this.found;
  }
}

/** Copy of `bytes` with the given [start, end) ranges removed (ranges must not overlap). */
export function cutRanges(
  bytes: Buffer,
  ranges: ReadonlyArray<Pick<LineHit, 'start' | 'end'>>,
): Buffer {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const parts: Buffer[] = [];
  let at = 0;
  for (const r of sorted) {
    parts.push(bytes.subarray(at, r.start));
    at = r.end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}

/** A pid printed by our own wrapper; anything else is treated as absent. */
export function parsePid(text: string): number | undefined {
  return /^[0-9]{1,10}$/.test(text) ? Number(text) : undefined;
}
