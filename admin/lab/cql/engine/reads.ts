// LAB ONLY. SELECT: by partition key (= or IN) through the ring, else a full scan; system tables
// from the node itself; then filtering, LIMIT, and the selectors (columns, count, ttl, writetime).
import type { SimNode } from '../node/index.js';
import type { Selector, Statement } from '../parser/index.js';
import { compare } from '../ring.js';
import type { Row, Rows } from '../store.js';
import { T, type Value } from '../types.js';
import { authorize } from './auth.js';
import type { Column, Ctx, Result } from './context.js';
import { schemaOf } from './schema.js';
import { virtualRows } from './system.js';
import { columnOf, rowValues, value } from './values.js';

const RANGE: Record<'<' | '>' | '<=' | '>=', (a: number | string, b: number | string) => boolean> =
  {
    '<': (a, b) => a < b,
    '>': (a, b) => a > b,
    '<=': (a, b) => a <= b,
    '>=': (a, b) => a >= b,
  };

export async function select(
  node: SimNode,
  s: Extract<Statement, { type: 'select' }>,
  ctx: Ctx,
): Promise<Result> {
  const schema = schemaOf(node, s.ref, ctx.keyspace);
  let records: { key: string; values: Record<string, Value>; row?: Row }[];
  const virtual = virtualRows(node, schema.ks, schema.table);
  if (virtual) {
    records = virtual.map((values, i) => ({ key: String(i), values }));
  } else {
    authorize(node, ctx, 'select', `data/${schema.ks}/${schema.table}`);
    let rows: Rows;
    const pkConds = schema.pk.map((k) => s.where.find((w) => w.col === k));
    if (pkConds.every((c) => c && (c.op === '=' || c.op === 'IN'))) {
      const combos = pkConds.reduce<Value[][]>(
        (acc, c) => {
          const type = columnOf(schema, c!.col).type;
          const vals = c!.terms.map((t) => value(t, type, ctx) ?? null);
          return acc.flatMap((a) => vals.map((v) => [...a, v]));
        },
        [[]],
      );
      rows = {};
      for (const combo of combos) {
        Object.assign(
          rows,
          await node.read(
            schema.ks,
            schema.table,
            JSON.stringify(combo),
            schema.pk.length,
            ctx.consistency,
          ),
        );
      }
    } else {
      node.liveReplicas(schema.ks, '[]', ctx.consistency);
      rows = await node.scan(schema.ks, schema.table);
    }
    records = Object.entries(rows)
      .sort(([a], [b]) => compare(a, b))
      .map(([key, row]) => ({ key, row, values: rowValues(schema, key, row) }));
  }
  records = records.filter((r) =>
    s.where.every((c) => {
      const col = columnOf(schema, c.col);
      const v = JSON.stringify(r.values[c.col] ?? null);
      const targets = c.terms.map((t) => value(t, col.type, ctx) ?? null);
      if (c.op === '=' || c.op === 'IN') {
        return targets.some((t) => JSON.stringify(t) === v);
      }
      const a = r.values[c.col] as number | string;
      const b = targets[0] as number | string;
      return RANGE[c.op as '<'](a, b);
    }),
  );
  if (s.limit) {
    records = records.slice(0, Number(value(s.limit, T.int, ctx) ?? records.length));
  }
  const selectors: Selector[] =
    s.selectors === '*' ? schema.columns.map((c) => ({ kind: 'col', col: c.name })) : s.selectors;
  if (selectors.some((x) => x.kind === 'count')) {
    return {
      kind: 'rows',
      ks: schema.ks,
      table: schema.table,
      columns: [{ name: 'count', type: T.bigint }],
      rows: [[String(records.length)]],
    };
  }
  const columns = selectors.map((x): Column => {
    if (x.kind === 'col') {
      return columnOf(schema, x.col);
    }
    if (x.kind === 'count') {
      return { name: 'count', type: T.bigint };
    }
    columnOf(schema, x.col);
    return x.kind === 'ttl'
      ? { name: `ttl(${x.col})`, type: T.int }
      : { name: `writetime(${x.col})`, type: T.bigint };
  });
  const now = Date.now();
  return {
    kind: 'rows',
    ks: schema.ks,
    table: schema.table,
    columns,
    rows: records.map((r) =>
      selectors.map((x) => {
        if (x.kind === 'col') {
          return r.values[x.col] ?? null;
        }
        const cell = r.row?.cells[(x as { col: string }).col];
        if (!cell) {
          return null;
        }
        if (x.kind === 'ttl') {
          return cell.exp === undefined ? null : Math.ceil((cell.exp - now) / 1000);
        }
        return String(cell.ts);
      }),
    ),
  };
}
