// LAB ONLY. CQL native protocol v4 framing (research/cassandra.md §2): a 9-byte header, bodies
// read with a cursor and written with a builder. Only what the simulator needs.

export const OP = {
  ERROR: 0x00,
  STARTUP: 0x01,
  READY: 0x02,
  AUTHENTICATE: 0x03,
  OPTIONS: 0x05,
  SUPPORTED: 0x06,
  QUERY: 0x07,
  RESULT: 0x08,
  PREPARE: 0x09,
  EXECUTE: 0x0a,
  REGISTER: 0x0b,
  EVENT: 0x0c,
  BATCH: 0x0d,
  AUTH_CHALLENGE: 0x0e,
  AUTH_RESPONSE: 0x0f,
  AUTH_SUCCESS: 0x10,
} as const;

export const ERR = {
  SERVER: 0x0000,
  PROTOCOL: 0x000a,
  BAD_CREDENTIALS: 0x0100,
  UNAVAILABLE: 0x1000,
  OVERLOADED: 0x1001,
  IS_BOOTSTRAPPING: 0x1002,
  WRITE_TIMEOUT: 0x1100,
  READ_TIMEOUT: 0x1200,
  SYNTAX: 0x2000,
  UNAUTHORIZED: 0x2100,
  INVALID: 0x2200,
  CONFIG: 0x2300,
  ALREADY_EXISTS: 0x2400,
  UNPREPARED: 0x2500,
} as const;

export const CONSISTENCY: Record<number, string> = {
  0: 'ANY',
  1: 'ONE',
  2: 'TWO',
  3: 'THREE',
  4: 'QUORUM',
  5: 'ALL',
  6: 'LOCAL_QUORUM',
  7: 'EACH_QUORUM',
  8: 'SERIAL',
  9: 'LOCAL_SERIAL',
  10: 'LOCAL_ONE',
};

export interface Frame {
  version: number;
  flags: number;
  stream: number;
  opcode: number;
  body: Buffer;
}

/** Splits a TCP byte stream into frames (chunks may split or join frames). */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    while (this.buf.length >= 9) {
      const len = this.buf.readUInt32BE(5);
      if (this.buf.length < 9 + len) {
        break;
      }
      out.push({
        version: this.buf[0]! & 0x7f,
        flags: this.buf[1]!,
        stream: this.buf.readInt16BE(2),
        opcode: this.buf[4]!,
        body: this.buf.subarray(9, 9 + len),
      });
      this.buf = this.buf.subarray(9 + len);
    }
    return out;
  }
}

export function encodeFrame(
  version: number,
  stream: number,
  opcode: number,
  body: Buffer,
  flags = 0,
): Buffer {
  const h = Buffer.alloc(9);
  h.writeUInt8(0x80 | version, 0);
  h.writeUInt8(flags, 1);
  h.writeInt16BE(stream, 2);
  h.writeUInt8(opcode, 4);
  h.writeUInt32BE(body.length, 5);
  return Buffer.concat([h, body]);
}

export class Reader {
  constructor(
    private readonly b: Buffer,
    public o = 0,
  ) {}
  byte(): number {
    return this.b.readUInt8(this.o++);
  }
  short(): number {
    const v = this.b.readUInt16BE(this.o);
    this.o += 2;
    return v;
  }
  int(): number {
    const v = this.b.readInt32BE(this.o);
    this.o += 4;
    return v;
  }
  long(): bigint {
    const v = this.b.readBigInt64BE(this.o);
    this.o += 8;
    return v;
  }
  string(): string {
    const n = this.short();
    const s = this.b.toString('utf8', this.o, this.o + n);
    this.o += n;
    return s;
  }
  longString(): string {
    const n = this.int();
    const s = this.b.toString('utf8', this.o, this.o + n);
    this.o += n;
    return s;
  }
  /** [bytes]/[value]: null for -1, undefined for -2 (unset). */
  bytes(): Buffer | null | undefined {
    const n = this.int();
    if (n === -2) {
      return undefined;
    }
    if (n < 0) {
      return null;
    }
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  shortBytes(): Buffer {
    const n = this.short();
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  stringList(): string[] {
    const n = this.short();
    return Array.from({ length: n }, () => this.string());
  }
  stringMap(): Record<string, string> {
    const n = this.short();
    const m: Record<string, string> = {};
    for (let i = 0; i < n; i++) {
      const k = this.string();
      m[k] = this.string();
    }
    return m;
  }
}

export class Writer {
  private parts: Buffer[] = [];
  byte(v: number): this {
    this.parts.push(Buffer.from([v & 0xff]));
    return this;
  }
  short(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  string(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.short(b.length).raw(b);
  }
  bytes(b: Buffer | null): this {
    return b === null ? this.int(-1) : this.int(b.length).raw(b);
  }
  shortBytes(b: Buffer): this {
    return this.short(b.length).raw(b);
  }
  stringList(l: readonly string[]): this {
    this.short(l.length);
    for (const s of l) {
      this.string(s);
    }
    return this;
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface QueryParams {
  consistency: number;
  values: (Buffer | null | undefined)[];
  names?: string[];
  pageSize?: number;
  serialConsistency?: number;
  timestamp?: bigint;
}

/** `<consistency><flags>[values][page_size][paging_state][serial][timestamp]` (v4). */
export function readQueryParams(r: Reader): QueryParams {
  const consistency = r.short();
  const flags = r.byte();
  const p: QueryParams = { consistency, values: [] };
  if (flags & 0x01) {
    const n = r.short();
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      if (flags & 0x40) {
        names.push(r.string());
      }
      p.values.push(r.bytes());
    }
    if (flags & 0x40) {
      p.names = names;
    }
  }
  if (flags & 0x04) {
    p.pageSize = r.int();
  }
  if (flags & 0x08) {
    r.bytes();
  }
  if (flags & 0x10) {
    p.serialConsistency = r.short();
  }
  if (flags & 0x20) {
    p.timestamp = r.long();
  }
  return p;
}

export function errorBody(code: number, message: string, extra?: (w: Writer) => void): Buffer {
  const w = new Writer().int(code).string(message);
  extra?.(w);
  return w.done();
}
