// LAB ONLY. CQL types: parsed from DDL text, written as protocol type options, and values moved
// between the wire and the engine's plain JSON-able form (text → string, int/double → number,
// bigint → decimal string, timestamp → ms number, uuid/inet → string, blob → hex string,
// set/list → array, map → [key, value][]).
import { Writer } from './protocol.js';

export type CqlType =
  | { kind: 'simple'; name: string }
  | { kind: 'list' | 'set'; of: CqlType }
  | { kind: 'map'; key: CqlType; value: CqlType };

export type Value = null | string | number | boolean | Value[];

const IDS: Record<string, number> = {
  ascii: 0x01,
  bigint: 0x02,
  blob: 0x03,
  boolean: 0x04,
  counter: 0x05,
  double: 0x07,
  float: 0x08,
  int: 0x09,
  timestamp: 0x0b,
  uuid: 0x0c,
  varchar: 0x0d,
  text: 0x0d,
  timeuuid: 0x0f,
  inet: 0x10,
  smallint: 0x13,
  tinyint: 0x14,
};

export const T = {
  text: { kind: 'simple', name: 'text' } as CqlType,
  int: { kind: 'simple', name: 'int' } as CqlType,
  bigint: { kind: 'simple', name: 'bigint' } as CqlType,
  boolean: { kind: 'simple', name: 'boolean' } as CqlType,
  uuid: { kind: 'simple', name: 'uuid' } as CqlType,
  inet: { kind: 'simple', name: 'inet' } as CqlType,
  timestamp: { kind: 'simple', name: 'timestamp' } as CqlType,
  double: { kind: 'simple', name: 'double' } as CqlType,
};
export const setOf = (of: CqlType): CqlType => ({ kind: 'set', of });
export const mapOf = (key: CqlType, value: CqlType): CqlType => ({ kind: 'map', key, value });

export function parseType(text: string): CqlType {
  const t = text.replace(/\s+/g, '').toLowerCase();
  const m = /^(frozen<)?(list|set|map)<(.+)>(>)?$/.exec(t);
  if (m) {
    const inner = m[3]!;
    if (m[2] === 'map') {
      let depth = 0;
      for (let i = 0; i < inner.length; i++) {
        const c = inner[i];
        depth += Number(c === '<') - Number(c === '>');
        if (c === ',' && depth === 0) {
          return mapOf(parseType(inner.slice(0, i)), parseType(inner.slice(i + 1)));
        }
      }
      throw new Error(`bad map type ${text}`);
    }
    return { kind: m[2] as 'list' | 'set', of: parseType(inner) };
  }
  if (!(t in IDS)) {
    throw new Error(`Unknown type ${text}`);
  }
  return { kind: 'simple', name: t === 'varchar' ? 'text' : t };
}

export function typeText(t: CqlType): string {
  if (t.kind === 'simple') {
    return t.name;
  }
  if (t.kind === 'map') {
    return `map<${typeText(t.key)}, ${typeText(t.value)}>`;
  }
  return `${t.kind}<${typeText(t.of)}>`;
}

export function writeTypeOption(w: Writer, t: CqlType): void {
  if (t.kind === 'simple') {
    w.short(IDS[t.name]!);
  } else if (t.kind === 'map') {
    w.short(0x21);
    writeTypeOption(w, t.key);
    writeTypeOption(w, t.value);
  } else {
    w.short(t.kind === 'list' ? 0x20 : 0x22);
    writeTypeOption(w, t.of);
  }
}

function uuidBytes(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, ''), 'hex');
}
function uuidText(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function encodeValue(t: CqlType, v: Value): Buffer | null {
  if (v === null) {
    return null;
  }
  if (t.kind !== 'simple') {
    const items = v as Value[];
    const w = new Writer().int(items.length);
    for (const item of items) {
      if (t.kind === 'map') {
        const [k, val] = item as Value[];
        w.bytes(encodeValue(t.key, k!)).bytes(encodeValue(t.value, val!));
      } else {
        w.bytes(encodeValue(t.of, item));
      }
    }
    return w.done();
  }
  const b8 = Buffer.alloc(8);
  switch (t.name) {
    case 'int': {
      const b = Buffer.alloc(4);
      b.writeInt32BE(Number(v));
      return b;
    }
    case 'smallint': {
      const b = Buffer.alloc(2);
      b.writeInt16BE(Number(v));
      return b;
    }
    case 'tinyint':
      return Buffer.from([Number(v) & 0xff]);
    case 'bigint':
    case 'counter':
      b8.writeBigInt64BE(BigInt(v as string | number));
      return b8;
    case 'timestamp':
      b8.writeBigInt64BE(BigInt(Math.trunc(Number(v))));
      return b8;
    case 'double':
      b8.writeDoubleBE(Number(v));
      return b8;
    case 'float': {
      const b = Buffer.alloc(4);
      b.writeFloatBE(Number(v));
      return b;
    }
    case 'boolean':
      return Buffer.from([v ? 1 : 0]);
    case 'uuid':
    case 'timeuuid':
      return uuidBytes(String(v));
    case 'inet':
      return Buffer.from(String(v).split('.').map(Number));
    case 'blob':
      return Buffer.from(String(v), 'hex');
    default:
      return Buffer.from(String(v), 'utf8');
  }
}

/**
 * Wire bytes → value, leniently: an unprepared JS number arrives as an 8-byte double whatever
 * the column's type (the driver guesses types), so widths decide as much as the type does.
 */
export function decodeValue(t: CqlType, b: Buffer | null | undefined): Value | undefined {
  if (b === undefined) {
    return undefined;
  }
  if (b === null) {
    return null;
  }
  if (t.kind !== 'simple') {
    const n = b.readInt32BE(0);
    let o = 4;
    const next = (): Buffer | null => {
      const len = b.readInt32BE(o);
      o += 4;
      if (len < 0) {
        return null;
      }
      const v = b.subarray(o, o + len);
      o += len;
      return v;
    };
    const out: Value[] = [];
    for (let i = 0; i < n; i++) {
      if (t.kind === 'map') {
        const k = decodeValue(t.key, next()) ?? null;
        out.push([k, decodeValue(t.value, next()) ?? null]);
      } else {
        out.push(decodeValue(t.of, next()) ?? null);
      }
    }
    return out;
  }
  const numeric = (): number => {
    switch (b.length) {
      case 8:
        return b.readDoubleBE(0);
      case 4:
        return b.readInt32BE(0);
      case 2:
        return b.readInt16BE(0);
      default:
        return b.readInt8(0);
    }
  };
  switch (t.name) {
    case 'int':
    case 'smallint':
    case 'tinyint':
      return numeric();
    case 'bigint':
    case 'counter':
      return b.length === 8 && t.name ? b.readBigInt64BE(0).toString() : String(numeric());
    case 'timestamp':
      return Number(b.readBigInt64BE(0));
    case 'double':
      return b.length === 8 ? b.readDoubleBE(0) : numeric();
    case 'float':
      return b.length === 4 ? b.readFloatBE(0) : numeric();
    case 'boolean':
      return b[0] !== 0;
    case 'uuid':
    case 'timeuuid':
      return uuidText(b);
    case 'inet':
      return [...b].join('.');
    case 'blob':
      return b.toString('hex');
    default:
      return b.toString('utf8');
  }
}

/** A literal from CQL text coerced to the column's type. */
export function coerce(t: CqlType, v: Value): Value {
  if (v === null) {
    return null;
  }
  if (t.kind === 'simple') {
    switch (t.name) {
      case 'int':
      case 'smallint':
      case 'tinyint':
      case 'double':
      case 'float':
        if (typeof v === 'string' && !/^-?[\d.]+(e-?\d+)?$/i.test(v)) {
          throw new Error(`Invalid STRING constant (${v}) for "${t.name}" of type ${t.name}`);
        }
        return Number(v);
      case 'bigint':
      case 'counter':
        return String(v);
      case 'timestamp':
        return typeof v === 'number' ? v : Date.parse(String(v));
      case 'boolean':
        return v === true || v === 'true';
      default:
        return typeof v === 'string' ? v : String(v);
    }
  }
  const items = Array.isArray(v) ? v : [];
  if (t.kind === 'map') {
    return items.map((kv) => {
      const [k, val] = kv as Value[];
      return [coerce(t.key, k!), coerce(t.value, val!)];
    });
  }
  const out = items.map((i) => coerce(t.of, i));
  return t.kind === 'set'
    ? [...new Map(out.map((x) => [JSON.stringify(x), x])).values()].sort()
    : out;
}
