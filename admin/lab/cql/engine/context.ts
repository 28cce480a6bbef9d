// LAB ONLY. What every part of the engine shares: a statement's context, its result, a table's
// schema, and the write-timestamp clock.
import type { CqlType, Value } from '../types.js';

export interface Column {
  name: string;
  type: CqlType;
}
export type Result = (
  | { kind: 'void' }
  | { kind: 'rows'; ks: string; table: string; columns: Column[]; rows: Value[][] }
  | { kind: 'keyspace'; ks: string }
  | { kind: 'schema'; change: string; target: string; ks: string; name?: string }
) & { warnings?: string[] };

export interface Ctx {
  user?: string; // undefined: not authenticated (auth off)
  keyspace?: string;
  consistency: string;
  values: (Value | undefined)[];
  timestamp?: number; // µs
}

export interface Schema {
  ks: string;
  table: string;
  columns: Column[];
  pk: string[];
  ck: string[];
}

let lastTs = 0;
export function nowMicros(): number {
  lastTs = Math.max(lastTs + 1, Date.now() * 1000);
  return lastTs;
}
