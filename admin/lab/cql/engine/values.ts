// LAB ONLY. From a statement's terms to stored values: bind markers and literals, TTLs, columns,
// primary keys, and a stored row back to its column values.
import { invalid } from '../errors.js';
import type { Cond, Term } from '../parser/index.js';
import type { Row } from '../store.js';
import { coerce, T, type CqlType, type Value } from '../types.js';
import type { Column, Ctx, Schema } from './context.js';

const MAX_TTL = 630720000;

export function value(t: Term, type: CqlType, ctx: Ctx): Value | undefined {
  if ('lit' in t) {
    try {
      return coerce(type, t.lit);
    } catch (e) {
      throw invalid((e as Error).message);
    }
  }
  const v = ctx.values[t.marker];
  if (v === undefined || v === null) {
    return v;
  }
  return coerce(type, v);
}

export function ttlOf(t: Term | undefined, ctx: Ctx): number | undefined {
  if (!t) {
    return undefined;
  }
  const v = value(t, T.int, ctx);
  if (v === null) {
    throw invalid('Invalid null value of TTL');
  }
  const n = Number(v ?? 0);
  if (n < 0) {
    throw invalid(`A TTL must be greater or equal to 0, but was ${n}`);
  }
  if (n > MAX_TTL) {
    throw invalid(`ttl is too large. requested (${n}) maximum (${MAX_TTL})`);
  }
  return n === 0 ? undefined : n;
}

export function columnOf(schema: Schema, name: string): Column {
  const c = schema.columns.find((x) => x.name === name);
  if (!c) {
    throw invalid(`Undefined column name ${name}`);
  }
  return c;
}

/** The full primary key from `where` (= on every key column), as the storage key and partition. */
export function keyOf(
  schema: Schema,
  where: Cond[],
  ctx: Ctx,
): { key: string; partition: string; values: Value[] } {
  const values = [...schema.pk, ...schema.ck].map((k) => {
    const c = where.find((w) => w.col === k && w.op === '=');
    if (!c) {
      throw invalid(
        `Some ${schema.pk.includes(k) ? 'partition' : 'clustering'} key parts are missing: ${k}`,
      );
    }
    const v = value(c.terms[0]!, columnOf(schema, k).type, ctx);
    if (v === null || v === undefined) {
      throw invalid(`Invalid null value in condition for column ${k}`);
    }
    return v;
  });
  return {
    key: JSON.stringify(values),
    partition: JSON.stringify(values.slice(0, schema.pk.length)),
    values,
  };
}

export function rowValues(schema: Schema, key: string, row: Row): Record<string, Value> {
  const keyVals = JSON.parse(key) as Value[];
  const out: Record<string, Value> = {};
  [...schema.pk, ...schema.ck].forEach((k, i) => {
    out[k] = keyVals[i]!;
  });
  for (const c of schema.columns) {
    if (!(c.name in out)) {
      out[c.name] = row.cells[c.name]?.v ?? null;
    }
  }
  return out;
}
