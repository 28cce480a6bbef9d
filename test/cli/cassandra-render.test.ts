// How `salvo cassandra …` reads: the ring table, cqlsh-style rows, progress lines per event kind,
// and the outcome lines. The strings are the CLI's output byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  memberLine,
  renderAddNodes,
  renderAuthInit,
  renderAuthStep,
  renderCqlRows,
  renderCqlWarning,
  renderMemberEvent,
  renderRemoveNode,
  renderRepair,
  renderRepairEvent,
  renderReplication,
  renderReplicationEvent,
  renderRing,
  repairLine,
  replicationLine,
} from '../../admin/cli/render/subsystems/cassandra.js';
import type { RepairSummary } from '../../admin/cassandra/index.js';
import type { RingStatus } from '../../admin/deployment/subsystems/cassandra.js';

type RingRow = RingStatus['ring'][number];
const row = (address: string, over: Partial<RingRow> = {}): RingRow => ({
  address,
  dc: 'dc1',
  rack: 'rack1',
  load: '1.2 MiB',
  owns: '33.3%',
  hostId: `id-${address}`,
  seenBy: {},
  ...over,
});
const view = (host: string, address: string, error?: string): RingStatus['views'][number] => ({
  host,
  address,
  ok: error === undefined,
  ...(error !== undefined ? { error } : {}),
  rows: [],
});

test('ring: every node UN, no problems: one column per node asked, no trailing spaces', () => {
  const s: RingStatus = {
    views: [view('cass1', '10.0.0.1'), view('cass2', '10.0.0.2')],
    ring: [
      row('10.0.0.1', { load: '1.2 MiB', owns: '51.3%', seenBy: { cass1: 'UN', cass2: 'UN' } }),
      row('10.0.0.2', { load: '980.5 KiB', owns: '48.7%', seenBy: { cass1: 'UN', cass2: 'UN' } }),
    ],
    problems: [],
    allUp: true,
  };
  assert.equal(
    renderRing(s),
    [
      'Address   DC   Rack   Load       Owns   seen by cass1  seen by cass2',
      '10.0.0.1  dc1  rack1  1.2 MiB    51.3%  UN             UN',
      '10.0.0.2  dc1  rack1  980.5 KiB  48.7%  UN             UN',
      '',
    ].join('\n'),
  );
});

test('ring: problems listed under the table; a node that was not asked shows -', () => {
  const s: RingStatus = {
    views: [
      view('cass1', '10.0.0.1'),
      view('cass2', '10.0.0.2'),
      view('cass3', '10.0.0.3', 'connection refused'),
    ],
    ring: [
      row('10.0.0.1', { seenBy: { cass1: 'UN', cass2: 'UN' } }),
      row('10.0.0.2', { seenBy: { cass1: 'DN', cass2: 'UN' } }),
      row('10.0.0.3', { load: '?', owns: '?', seenBy: { cass1: 'missing' } }),
    ],
    problems: [
      'cass3: nodetool status failed: connection refused',
      '10.0.0.2: cass1 sees DN, cass2 sees UN',
    ],
    allUp: false,
  };
  assert.equal(
    renderRing(s),
    [
      'Address   DC   Rack   Load     Owns   seen by cass1  seen by cass2  seen by cass3',
      '10.0.0.1  dc1  rack1  1.2 MiB  33.3%  UN             UN             -',
      '10.0.0.2  dc1  rack1  1.2 MiB  33.3%  DN             UN             -',
      '10.0.0.3  dc1  rack1  ?        ?      missing        -              -',
      '',
      '! cass3: nodetool status failed: connection refused',
      '! 10.0.0.2: cass1 sees DN, cass2 sees UN',
      '',
    ].join('\n'),
  );
});

test('ring: no node answered: the header alone, then the problems', () => {
  const s: RingStatus = {
    views: [],
    ring: [],
    problems: ['no cassandra hosts'],
    allUp: false,
  };
  assert.equal(renderRing(s), 'Address  DC  Rack  Load  Owns\n\n! no cassandra hosts\n');
});

test('cql rows: right-aligned under a dashed rule; null, undefined and objects spelled out', () => {
  const text = renderCqlRows(
    ['name', 'n', 'tags', 'ok'],
    [
      { name: 'alice', n: 1, tags: ['a', 'b'], ok: true },
      { name: null, n: 12345, tags: { k: 'v' } },
    ],
  );
  assert.equal(
    text,
    [
      '',
      '  name |     n |      tags |   ok',
      '-------+-------+-----------+------',
      ' alice |     1 | ["a","b"] | true',
      '  null | 12345 | {"k":"v"} | null',
      '',
      '(2 rows)',
      '',
    ].join('\n'),
  );
});

test('cql rows: no rows still prints the header and (0 rows); warnings as cqlsh shows them', () => {
  assert.equal(renderCqlRows(['key'], []), '\n key\n-----\n\n(0 rows)\n');
  assert.equal(
    renderCqlWarning('Aggregation query used without partition key'),
    'Warnings :\nAggregation query used without partition key\n\n',
  );
});

test('membership events: one line per kind', () => {
  assert.equal(
    memberLine({ kind: 'node-skip', host: 'cass4', why: 'already UN in the ring' }),
    'cass4: skipped (already UN in the ring)',
  );
  assert.equal(
    memberLine({ kind: 'node-start', host: 'cass4', action: 'bootstrap' }),
    'cass4: starting; bootstrapping',
  );
  assert.equal(
    memberLine({ kind: 'node-start', host: 'cass4', action: 'decommission' }),
    'cass4: decommissioning',
  );
  assert.equal(
    memberLine({ kind: 'node-state', host: 'cass4', state: 'UJ', streaming: true }),
    'cass4: UJ, streaming',
  );
  assert.equal(
    memberLine({ kind: 'node-state', host: 'cass4', state: 'left the ring', streaming: false }),
    'cass4: left the ring',
  );
  assert.equal(
    memberLine({ kind: 'node-done', host: 'cass4', durationMs: 12345 }),
    'cass4: done in 12.3s',
  );
  assert.equal(
    memberLine({
      kind: 'replication',
      keyspace: 'app',
      cql: "ALTER KEYSPACE app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '3'}",
    }),
    "app: ALTER KEYSPACE app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '3'}",
  );
});

test('repair events: one line per kind; a slow node is marked', () => {
  assert.equal(
    repairLine({
      kind: 'repair-start',
      runId: 'r1',
      nodes: ['cass1', 'cass2', 'cass3'],
      skipped: [],
    }),
    'repair r1: 3 node(s)',
  );
  assert.equal(
    repairLine({
      kind: 'repair-start',
      runId: 'r1',
      nodes: ['cass3'],
      skipped: ['cass1', 'cass2'],
    }),
    'repair r1: 1 node(s), already done: cass1, cass2',
  );
  assert.equal(repairLine({ kind: 'node-start', host: 'cass2' }), 'cass2: repairing');
  assert.equal(
    repairLine({ kind: 'node-done', host: 'cass2', durationMs: 800, slow: false }),
    'cass2: done in 0.8s',
  );
  assert.equal(
    repairLine({ kind: 'node-done', host: 'cass2', durationMs: 3_600_000, slow: true }),
    'cass2: done in 3600.0s (SLOW: over 3x the median)',
  );
  assert.equal(
    repairLine({ kind: 'node-failed', host: 'cass2', error: 'exit 2: Repair failed' }),
    'cass2: FAILED: exit 2: Repair failed',
  );
});

test('replication events go to the membership or the repair line; stderr lines are time-stamped', () => {
  assert.equal(
    replicationLine({ kind: 'replication', keyspace: 'app', cql: 'ALTER …' }),
    'app: ALTER …',
  );
  assert.equal(
    replicationLine({ kind: 'node-skip', host: 'cass1', why: 'down' }),
    'cass1: skipped (down)',
  );
  assert.equal(
    replicationLine({ kind: 'node-state', host: 'cass1', state: 'UN', streaming: false }),
    'cass1: UN',
  );
  assert.equal(
    replicationLine({ kind: 'node-start', host: 'cass1', action: 'bootstrap' }),
    'cass1: starting; bootstrapping',
  );
  assert.equal(replicationLine({ kind: 'node-start', host: 'cass1' }), 'cass1: repairing');
  assert.equal(
    replicationLine({ kind: 'node-done', host: 'cass1', durationMs: 2000, slow: true }),
    'cass1: done in 2.0s (SLOW: over 3x the median)',
  );
  assert.equal(
    replicationLine({ kind: 'node-failed', host: 'cass1', error: 'timeout' }),
    'cass1: FAILED: timeout',
  );
  const at = new Date('2026-01-02T03:04:05.678Z');
  assert.equal(
    renderMemberEvent({ kind: 'node-done', host: 'cass4', durationMs: 61000 }, at),
    '2026-01-02T03:04:05.678Z cass4: done in 61.0s\n',
  );
  assert.equal(
    renderRepairEvent({ kind: 'node-start', host: 'cass2' }, at),
    '2026-01-02T03:04:05.678Z cass2: repairing\n',
  );
  assert.equal(
    renderReplicationEvent({ kind: 'replication', keyspace: 'app', cql: 'ALTER …' }, at),
    '2026-01-02T03:04:05.678Z app: ALTER …\n',
  );
  assert.match(
    renderMemberEvent({ kind: 'node-start', host: 'c', action: 'decommission' }),
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z c: decommissioning\n$/,
  );
});

const summary = (over: Partial<RepairSummary> = {}): RepairSummary => ({
  runId: 'r7',
  journal: '/var/salvo/runs/r7/repair.jsonl',
  done: [
    { host: 'cass1', durationMs: 1000, slow: false },
    { host: 'cass2', durationMs: 1000, slow: false },
  ],
  remaining: [],
  ...over,
});

test('repair outcome: done, stopped (with the resume command), skipped', () => {
  assert.equal(
    renderRepair(summary()),
    'repair r7: 2 node(s) repaired; journal /var/salvo/runs/r7/repair.jsonl\n',
  );
  assert.equal(
    renderRepair(
      summary({
        done: [{ host: 'cass1', durationMs: 1000, slow: false }],
        failed: { host: 'cass2', error: 'exit 2' },
        remaining: ['cass2', 'cass3'],
      }),
    ),
    'repair r7 stopped at cass2: exit 2\nnot repaired: cass2, cass3\nresume: salvo cassandra repair --resume r7\n',
  );
  assert.equal(
    renderRepair(summary({ skipped: 'maintenance is on (by ops)', done: [] })),
    'repair skipped: maintenance is on (by ops)\n',
  );
});

test('add-node, remove-node, replication and auth-init outcomes', () => {
  assert.equal(
    renderAddNodes({ done: [{ host: 'cass4', durationMs: 1 }], skipped: [] }),
    'add-node: 1 node(s) joined\n',
  );
  assert.equal(
    renderAddNodes({ done: [], skipped: ['cass4', 'cass5'] }),
    'add-node: 0 node(s) joined; already in the ring: cass4, cass5\n',
  );
  assert.equal(
    renderRemoveNode({ done: [{ host: 'cass4', durationMs: 1 }], skipped: [] }),
    'remove-node: cass4 left the ring and is stopped; remove it from the cassandra hosts in the services file\n',
  );
  const to = { class: 'SimpleStrategy', replication_factor: '3' };
  assert.equal(
    renderReplication({ keyspace: 'app', from: {}, to, changed: true, repair: summary() }),
    'app: replication changed to {"class":"SimpleStrategy","replication_factor":"3"}\nrepair r7: 2 node(s) repaired (full)\n',
  );
  assert.equal(
    renderReplication({
      keyspace: 'app',
      from: to,
      to,
      changed: false,
      repair: summary({ failed: { host: 'cass2', error: 'timeout' }, remaining: ['cass2'] }),
    }),
    'app: replication already {"class":"SimpleStrategy","replication_factor":"3"}\nrepair r7 stopped at cass2: timeout\nresume: salvo cassandra repair -k app --full --resume r7\n',
  );
  assert.equal(
    renderAuthStep('create superuser', 'salvo_admin'),
    'create superuser: salvo_admin\n',
  );
  assert.equal(renderAuthStep('drop default user'), 'drop default user\n');
  assert.equal(
    renderAuthInit({ created: ['salvo_admin', 'app'], steps: [], defaultDropped: true }, '/s/prod'),
    'auth-init done: new secrets for salvo_admin, app in /s/prod; default user dropped\n',
  );
  assert.equal(
    renderAuthInit({ created: [], steps: [], defaultDropped: true }, '/s/prod'),
    'auth-init done: no new secrets; default user dropped\n',
  );
});
