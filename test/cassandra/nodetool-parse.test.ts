// nodetool parsers on the recorded real outputs of research/cassandra.md §3 (fixtures/), and on
// what the lab's stand-in prints for the same commands.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  parseCompactionStats,
  parseDescribeCluster,
  parseInfo,
  parseNetstats,
  parseRepair,
} from '../../admin/cassandra/nodetool/parse.js';
import {
  compactionStats,
  describeCluster,
  formatInfo,
} from '../../admin/lab/standins/nodetool-format.js';

const fixture = (name: string): string =>
  readFileSync(
    fileURLToPath(new URL(`../../../test/cassandra/fixtures/${name}`, import.meta.url)),
    'utf8',
  );

test('info (real 4.1.5 capture)', () => {
  const i = parseInfo(fixture('info-4.1.5.txt'));
  assert.equal(i.ID, '95bab0f0-7900-4324-9788-15fc2a0cf6f4');
  assert.equal(i['Native Transport active'], 'true');
  assert.equal(i['Data Center'], 'my-datacenter-1');
  assert.equal(i['Uptime (seconds)'], '355');
});

test('describecluster (real 4.0.3 and 3.11): schema versions, unreachable nodes, releases', () => {
  const d = parseDescribeCluster(fixture('describecluster-4.0.3.txt'));
  assert.equal(d.name, 'Test Cluster');
  assert.deepEqual(d.schemaVersions, [
    { version: 'bbcf35fa-5d65-3137-896f-a2866efe3856', hosts: ['127.0.0.1', '127.0.0.2'] },
  ]);
  assert.deepEqual(d.unreachable, ['127.0.0.3']);
  assert.deepEqual(d.databaseVersions, [
    { version: '4.0.3', hosts: ['127.0.0.1:7000', '127.0.0.2:7000', '127.0.0.3:7000'] },
  ]);
  const old = parseDescribeCluster(fixture('describecluster-3.11.txt'));
  assert.deepEqual(
    old.schemaVersions.map((v) => v.hosts),
    [['10.0.0.1', '10.0.0.2']],
  );
  assert.deepEqual(old.unreachable, []);
});

test('repair (real 3.11 capture), a skipped RF-1 keyspace, and a failure', () => {
  assert.deepEqual(parseRepair(fixture('repair-3.11.txt')), {
    ok: true,
    keyspaces: ['users'],
    skipped: [],
  });
  const skip = parseRepair(
    "[2019-04-21 07:59:14,701] Replication factor is 1. No repair is needed for keyspace 'system_auth'\n",
  );
  assert.deepEqual(skip, { ok: true, keyspaces: [], skipped: ['system_auth'] });
  const failed = parseRepair(
    '[2019-04-21 07:59:14,701] Starting repair command #1 (x), repairing keyspace ks with repair options (…)\n[2019-04-21 07:59:15,000] Repair command #1 failed with error Endpoint not alive: /10.0.0.3:7000\n[2019-04-21 07:59:15,001] Repair command #1 finished with error\n',
    'error: Repair job has failed with the error message: Endpoint not alive: /10.0.0.3:7000. Check the logs on the repair participants for further details\n-- StackTrace --\n',
  );
  assert.equal(failed.ok, false);
  assert.equal(failed.error, 'Endpoint not alive: /10.0.0.3:7000');
});

test('netstats mode', () => {
  assert.deepEqual(parseNetstats('Mode: DRAINED\nNot sending any streams.\n'), {
    mode: 'DRAINED',
    streaming: false,
  });
  assert.deepEqual(parseNetstats('Mode: JOINING\n/10.0.0.1\n    Receiving 3 files\n'), {
    mode: 'JOINING',
    streaming: true,
  });
});

test("the lab stand-in's info and describecluster parse like the real ones", () => {
  const info = parseInfo(
    formatInfo(
      { hostId: 'h', up: true, load: '1 KiB', generation: 1, uptime: 2, dc: 'dc1', rack: 'r1' },
      '4.0',
    ),
  );
  assert.equal(info['Data Center'], 'dc1');
  const d = parseDescribeCluster(
    describeCluster(
      {
        clusterName: 'C',
        rows: [
          {
            address: '10.0.0.1',
            dc: 'dc1',
            up: true,
            state: 'normal',
            schemaVersion: 'v1',
            release: '4.1.5',
          },
          {
            address: '10.0.0.2',
            dc: 'dc1',
            up: false,
            state: 'normal',
            schemaVersion: undefined,
            release: '4.1.5',
          },
        ],
        keyspaces: [],
      },
      '4.0',
      '4.1.5',
    ),
  );
  assert.deepEqual(d.unreachable, ['10.0.0.2']);
  assert.deepEqual(d.schemaVersions, [{ version: 'v1', hosts: ['10.0.0.1'] }]);
});

test('compactionstats (real 3.11 and 2.x captures, and the lab stand-in): pending tasks', () => {
  assert.deepEqual(parseCompactionStats(fixture('compactionstats-3.11.txt')), {
    pending: 10,
    byTable: { 'keyspace1.standard1': 10 },
    active: 8,
  });
  assert.deepEqual(parseCompactionStats(fixture('compactionstats-2.x.txt')), {
    pending: 4,
    byTable: {},
    active: 2,
  });
  // An idle node: the count, a blank line, no table.
  assert.deepEqual(parseCompactionStats('pending tasks: 0\n\n'), {
    pending: 0,
    byTable: {},
    active: 0,
  });
  assert.deepEqual(parseCompactionStats(compactionStats(37, ['system.local'])), {
    pending: 37,
    byTable: { 'system.local': 37 },
    active: 1,
  });
  assert.equal(parseCompactionStats(compactionStats(0, []))?.pending, 0);
  assert.equal(parseCompactionStats("nodetool: Failed to connect to '127.0.0.1:7199'"), undefined);
});
