// LAB ONLY. A RESULT body: void, set keyspace, schema change or rows (with the warnings flag),
// and a prepared statement's partition key indexes.
import type { Engine, Result } from '../engine/index.js';
import type { Parsed } from '../parser/index.js';
import { Writer } from '../protocol.js';
import { encodeValue, writeTypeOption } from '../types.js';

/** Where each partition key column is among the statement's bind markers ([] if one is not). */
export function pkIndexes(
  engine: Engine,
  ref: { ks?: string; table: string },
  keyspace: string | undefined,
  p: Parsed,
): number[] {
  try {
    const schema = engine.schemaOf(ref, keyspace);
    const idx = schema.pk.map((k) => p.markers.indexOf(k));
    return idx.every((i) => i >= 0) ? idx : [];
  } catch {
    return [];
  }
}

export function encodeResult(result: Result): { body: Buffer; flags: number } {
  const w = new Writer();
  let flags = 0;
  if (result.warnings?.length) {
    flags |= 0x08;
    w.stringList(result.warnings);
  }
  switch (result.kind) {
    case 'void':
      w.int(1);
      break;
    case 'keyspace':
      w.int(3).string(result.ks);
      break;
    case 'schema':
      w.int(5).string(result.change).string(result.target).string(result.ks);
      if (result.name !== undefined) {
        w.string(result.name);
      }
      break;
    case 'rows':
      w.int(2).int(0x0001).int(result.columns.length).string(result.ks).string(result.table);
      for (const c of result.columns) {
        w.string(c.name);
        writeTypeOption(w, c.type);
      }
      w.int(result.rows.length);
      for (const row of result.rows) {
        for (const [i, v] of row.entries()) {
          w.bytes(encodeValue(result.columns[i]!.type, v));
        }
      }
      break;
  }
  return { body: w.done(), flags };
}
