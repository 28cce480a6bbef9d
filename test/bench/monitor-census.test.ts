// The monitor soak's heap census (bench/monitor/census.ts): program data told apart from V8's
// code and compiler metadata, on a real snapshot and on a hand-made one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { censusOf, readCensus, topGrowth } from '../../bench/monitor/census.js';

/** A snapshot in V8's format with the given nodes ([type, name, size]). */
function snapshot(nodes: [string, string, number][]) {
  const types = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'object shape'];
  const strings = [...new Set(nodes.map((n) => n[1]))];
  return {
    snapshot: {
      meta: {
        node_fields: [
          'type',
          'name',
          'id',
          'self_size',
          'edge_count',
          'trace_node_id',
          'detachedness',
        ],
        node_types: [types] as [string[]],
      },
    },
    nodes: nodes.flatMap(([t, name, size], i) => [
      types.indexOf(t),
      strings.indexOf(name),
      i,
      size,
      0,
      0,
      0,
    ]),
    strings,
  };
}

test('code and object shapes are metadata, the rest is the program data', () => {
  const c = censusOf(
    snapshot([
      ['object', 'Connection', 100],
      ['object', 'Connection', 100],
      ['string', 'hello', 40],
      ['code', 'system / BytecodeArray', 500],
      ['object shape', 'system / Map', 80],
      ['closure', 'onData', 32],
    ]),
  );
  assert.equal(c.totalBytes, 852);
  assert.equal(c.metadataBytes, 580);
  assert.equal(c.dataBytes, 272);
  const conn = c.groups.find((g) => g.key === 'object|Connection');
  assert.deepEqual(conn, { key: 'object|Connection', count: 2, bytes: 200 });
  // Strings are grouped by type: their names are their text.
  assert.ok(c.groups.some((g) => g.key === 'string'));
});

test('topGrowth lists the groups that grew, biggest first, with their counts per snapshot', () => {
  const a = censusOf(
    snapshot([
      ['object', 'Scan', 10],
      ['code', 'f', 100],
    ]),
  );
  const b = censusOf(
    snapshot([
      ['object', 'Scan', 10],
      ['object', 'Scan', 10],
      ['code', 'f', 100],
      ['code', 'g', 50],
    ]),
  );
  const rows = topGrowth([a, b]);
  assert.deepEqual(
    rows.map((r) => [r.key, r.metadata, r.counts, r.bytes]),
    [
      ['code|g', true, [0, 1], [0, 50]],
      ['object|Scan', false, [1, 2], [10, 20]],
    ],
  );
});

test("a real snapshot of a Node process: the program's objects are counted as data", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-census-'));
  try {
    const file = join(dir, 's.heapsnapshot');
    execFileSync(process.execPath, [
      '-e',
      `class Kept { constructor(i) { this.i = i; } }
       globalThis.kept = Array.from({ length: 5000 }, (_, i) => new Kept(i));
       require('node:v8').writeHeapSnapshot(${JSON.stringify(file)});`,
    ]);
    const c = await readCensus(file);
    const kept = c.groups.find((g) => g.key === 'object|Kept');
    assert.equal(kept?.count, 5000);
    assert.ok(c.metadataBytes > 0 && c.dataBytes > kept.bytes, JSON.stringify(c.totalBytes));
    assert.equal(c.totalBytes, c.metadataBytes + c.dataBytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
