// LAB ONLY. INSERT, UPDATE and DELETE through the ring: plain writes at the asked consistency,
// and lightweight transactions (IF ...) that read at SERIAL and answer with `[applied]`.
import { CqlError, invalid } from '../errors.js';
import type { SimNode } from '../node/index.js';
import type { Cond, Statement } from '../parser/index.js';
import { ERR } from '../protocol.js';
import type { Row } from '../store.js';
import { T, type Value } from '../types.js';
import { authorize } from './auth.js';
import { type Column, type Ctx, nowMicros, type Result } from './context.js';
import { schemaOf } from './schema.js';
import { columnOf, keyOf, rowValues, ttlOf, value } from './values.js';

export async function modify(
  node: SimNode,
  s: Extract<Statement, { type: 'insert' | 'update' | 'delete' }>,
  ctx: Ctx,
): Promise<Result> {
  const schema = schemaOf(node, s.ref, ctx.keyspace);
  if (schema.ks.startsWith('system')) {
    throw new CqlError(ERR.UNAUTHORIZED, `${schema.ks} keyspace is not user-modifiable.`);
  }
  authorize(node, ctx, 'modify', `data/${schema.ks}/${schema.table}`);
  const ts = ctx.timestamp ?? nowMicros();
  let where: Cond[];
  const row: Row = { cells: {} };
  if (s.type === 'insert') {
    where = s.columns.map((col, i) => ({ col, op: '=' as const, terms: [s.values[i]!] }));
  } else {
    where = s.where;
  }
  const k = keyOf(schema, where, ctx);
  const ttl = s.type === 'delete' ? undefined : ttlOf(s.ttl, ctx);
  const exp = ttl === undefined ? undefined : Date.now() + ttl * 1000;
  const cell = (v: Value) => (exp === undefined ? { v, ts } : { v, ts, exp });
  if (s.type === 'insert') {
    row.marker = exp === undefined ? { ts } : { ts, exp };
    s.columns.forEach((col, i) => {
      const c = columnOf(schema, col);
      if (!schema.pk.includes(col) && !schema.ck.includes(col)) {
        const v = value(s.values[i]!, c.type, ctx);
        if (v !== undefined) {
          row.cells[col] = cell(v);
        }
      }
    });
  } else if (s.type === 'update') {
    for (const set of s.sets) {
      const c = columnOf(schema, set.col);
      if (schema.pk.includes(set.col) || schema.ck.includes(set.col)) {
        throw invalid(`PRIMARY KEY part ${set.col} found in SET part`);
      }
      const v = value(set.term, c.type, ctx);
      if (v !== undefined) {
        row.cells[set.col] = cell(v);
      }
    }
  } else if (s.columns.length === 0) {
    row.deleted = ts;
  } else {
    for (const col of s.columns) {
      columnOf(schema, col);
      row.cells[col] = { v: null, ts };
    }
  }
  const conditional =
    (s.type === 'insert' && s.ifNotExists) ||
    (s.type !== 'insert' && (s.ifExists || s.conditions.length > 0));
  if (!conditional) {
    await node.write(schema.ks, schema.table, k.partition, k.key, row, ctx.consistency);
    return { kind: 'void' };
  }
  // A lightweight transaction: read at SERIAL (a quorum), compare, then write.
  const current = (
    await node.read(schema.ks, schema.table, k.partition, schema.pk.length, 'SERIAL')
  )[k.key];
  const applied = (cols: Column[], vals: Value[], ok: boolean): Result => ({
    kind: 'rows',
    ks: schema.ks,
    table: schema.table,
    columns: [{ name: '[applied]', type: T.boolean }, ...cols],
    rows: [[ok, ...vals]],
  });
  let ok: boolean;
  let failCols: Column[] = [];
  if (s.type === 'insert') {
    ok = current === undefined;
    failCols = schema.columns;
  } else if (s.ifExists) {
    ok = current !== undefined;
    failCols = schema.columns;
  } else {
    const vals = current ? rowValues(schema, k.key, current) : undefined;
    ok =
      vals !== undefined &&
      s.conditions.every((c) => {
        const col = columnOf(schema, c.col);
        return c.terms.some(
          (t) => JSON.stringify(value(t, col.type, ctx)) === JSON.stringify(vals[c.col]),
        );
      });
    failCols = [...new Set(s.conditions.map((c) => c.col))].map((c) => columnOf(schema, c));
  }
  if (ok) {
    await node.write(schema.ks, schema.table, k.partition, k.key, row, 'QUORUM');
    return applied([], [], true);
  }
  if (!current) {
    return applied([], [], false);
  }
  const vals = rowValues(schema, k.key, current);
  return applied(
    failCols,
    failCols.map((c) => vals[c.name] ?? null),
    false,
  );
}
