// Finding Salvo's marker lines in a byte stream that arrives in arbitrary chunks, without
// touching a single byte of the command's own output (it may lack a final newline, or hold text
// that looks like a marker from another nonce).

/** How much of one stream a result keeps: the first `head` bytes and the last `tail`. */
export interface OutputLimit {
  head: number;
  tail: number;
}

/** Per stream and host: a flood (a host printing a gigabyte) costs at most this much memory. */
export const DEFAULT_OUTPUT_LIMIT: OutputLimit = { head: 8 * 1024 * 1024, tail: 256 * 1024 };

/** The default of `ssh.max_output` / `--max-output`: head + tail of the default limit. */
export const DEFAULT_MAX_OUTPUT = DEFAULT_OUTPUT_LIMIT.head + DEFAULT_OUTPUT_LIMIT.tail;

/** The smallest limit: Salvo's own marker lines (and the login shell's noise before them) must
 * fit in the head, and a session's end markers in the tail. */
export const MIN_MAX_OUTPUT = 64 * 1024;

/** What a run keeps of each stream when only its marker lines are needed (`maxOutput: 0`). */
export const MARKERS_ONLY: OutputLimit = { head: MIN_MAX_OUTPUT, tail: 0 };

/**
 * `maxOutput` bytes per stream → the head and tail kept: the tail is a 32nd of it (256 KiB at
 * the default 8.25 MiB, where a command's last lines and the end markers are found).
 */
export function outputLimitOf(maxOutput: number | undefined): OutputLimit {
  if (maxOutput === undefined) {
    return DEFAULT_OUTPUT_LIMIT;
  }
  if (maxOutput === 0) {
    return MARKERS_ONLY;
  }
  const bytes = Math.max(maxOutput, MIN_MAX_OUTPUT);
  const tail = Math.max(16 * 1024, Math.floor(bytes / 33));
  return { head: bytes - tail, tail };
}

/**
 * The bytes of one stream so far. Offsets are positions in the whole stream. Up to head + tail
 * bytes are kept contiguous, so a marker split across chunks is found; past that the middle is
 * dropped (counted in `dropped`): the first `head` bytes stay, and a window of the last `tail`
 * bytes rolls on, where the end markers of a command arrive.
 */
export class ByteSink {
  private buf = Buffer.alloc(0); // most commands print little or nothing: allocate on demand
  private used = 0; // bytes held in buf
  private total = 0; // bytes seen
  private rolling = false; // past head + tail: buf = head bytes, then the tail window

  constructor(private readonly limit: OutputLimit = DEFAULT_OUTPUT_LIMIT) {}

  /** Bytes seen so far (a position just past the last one). */
  get length(): number {
    return this.total;
  }

  /** Bytes seen but not kept. */
  get dropped(): number {
    return this.total - this.used;
  }

  append(chunk: Buffer): void {
    this.total += chunk.length;
    const cap = this.limit.head + this.limit.tail;
    if (!this.rolling && this.used + chunk.length <= cap) {
      this.grow(this.used + chunk.length);
      chunk.copy(this.buf, this.used);
      this.used += chunk.length;
      return;
    }
    const { head, tail } = this.limit;
    let rest = chunk;
    if (this.used < head) {
      // The head fills first, from the chunk that crosses the limit.
      const fill = rest.subarray(0, head - this.used);
      this.grow(this.used + fill.length);
      fill.copy(this.buf, this.used);
      this.used += fill.length;
      rest = rest.subarray(fill.length);
    }
    this.rolling = true;
    // The tail window lives in [head, head + 2 × tail): appends go after it until it is full,
    // then its last `tail` bytes move to its start, so each byte is copied about twice.
    this.grow(head + 2 * tail);
    if (rest.length >= tail) {
      rest.copy(this.buf, head, rest.length - tail);
      this.used = head + tail;
      return;
    }
    if (this.used + rest.length > head + 2 * tail) {
      const keep = tail - rest.length; // of what the window holds, this much stays
      this.buf.copyWithin(head, this.used - keep, this.used);
      this.used = head + keep;
    }
    rest.copy(this.buf, this.used);
    this.used += rest.length;
  }

  /** Where the kept tail starts, as a stream position (the head is [0, head)). */
  private get tailStart(): number {
    return this.rolling ? this.total - (this.used - this.limit.head) : this.used;
  }

  /** The kept bytes of stream positions [start, end) (a view when nothing between was dropped). */
  view(start = 0, end = this.total): Buffer {
    if (!this.rolling) {
      return this.buf.subarray(start, end);
    }
    const head = this.limit.head;
    const parts: Buffer[] = [];
    if (start < head) {
      parts.push(this.buf.subarray(start, Math.min(end, head)));
    }
    const from = Math.max(start, this.tailStart);
    if (end > from) {
      parts.push(this.buf.subarray(head + from - this.tailStart, head + end - this.tailStart));
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** How many bytes of [start, end) were dropped. */
  droppedIn(start = 0, end = this.total): number {
    if (!this.rolling) {
      return 0;
    }
    const gapEnd = Math.min(end, this.tailStart);
    const gapStart = Math.max(start, this.limit.head);
    return Math.max(0, gapEnd - gapStart);
  }

  /** The stream position of `needle` at or after `from` in the kept bytes, or -1. */
  indexOf(needle: Buffer | number, from = 0): number {
    if (!this.rolling) {
      return this.buf.subarray(0, this.used).indexOf(needle, from);
    }
    const head = this.limit.head;
    if (from < head) {
      const at = this.buf.subarray(0, head).indexOf(needle, from);
      if (at >= 0) {
        return at;
      }
    }
    const tailFrom = Math.max(0, from - this.tailStart);
    const at = this.buf.subarray(head, this.used).indexOf(needle, tailFrom);
    return at < 0 ? -1 : this.tailStart + at;
  }

  private grow(size: number): void {
    if (size <= this.buf.length) {
      return;
    }
    // Doubling keeps appends amortised O(1) for large outputs, up to what the limit can hold.
    const most = this.limit.head + 2 * this.limit.tail;
    const bigger = Buffer.allocUnsafe(Math.max(Math.min(this.buf.length * 2, most), size, 256));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
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
    const at = sink.indexOf(this.token, this.from);
    if (at < 0) {
      // Only the last token-length-1 bytes can still begin a match.
      this.from = Math.max(0, sink.length - this.token.length + 1);
      return undefined;
    }
    this.from = at; // the token is here but its line may not be complete yet
    const nl = sink.indexOf(0x0a, at + this.token.length);
    if (nl < 0) {
      return undefined;
    }
    this.found = {
      start: at,
      end: nl + 1,
      value: sink.view(at + this.token.length, nl).toString('latin1'),
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
