// Drift between the services file and the scanned pid records.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeDrift, type DriftItem } from '../../admin/services/drift.js';
import type { HostScan } from '../../admin/services/observe.js';
import { driftExitCode, renderDiff } from '../../admin/cli/render/rollout/diff.js';
import { inv } from './helpers.js';

const I = inv();
const up = (service: string, instance: number, version?: string) => ({
  service,
  instance,
  alive: true,
  pid: 100 + instance,
  ...(version ? { version } : {}),
});

function allRunning(): HostScan[] {
  return [
    {
      host: 'web1',
      units: [up('hub', 0, '1.0'), up('hub', 1, '1.0'), up('snap', 0, '1.0'), up('nginx', 0)],
    },
    { host: 'web2', units: [up('hub', 0, '1.0'), up('hub', 1, '1.0'), up('snap', 0, '1.0')] },
    { host: 'edge', units: [up('haproxy', 0, '2.6.12')] },
    ...['db1', 'db2', 'db3'].map((host) => ({ host, units: [up('cassandra', 0, '4.1.5')] })),
  ];
}

test('everything as the file says: no drift, exit 0', () => {
  const items = computeDrift(I, allRunning());
  assert.deepEqual(items, []);
  assert.equal(
    renderDiff(items),
    'no drift: every unit of the services file runs, at its version, and nothing else does\n',
  );
  assert.equal(driftExitCode(items), 0);
});

test('missing, wrong version, extra and unreachable, folded per change', () => {
  const scans = allRunning();
  scans[0]!.units = [
    up('hub', 0, '2.0'),
    up('snap', 0, '1.0'),
    up('nginx', 0),
    { service: 'hub', instance: 1, alive: false, pid: 7 },
  ];
  scans[1]!.units = [
    up('hub', 0, '2.0'),
    up('snap', 0, '1.0'),
    up('hub', 1, '1.0'),
    up('hub', 2, '1.0'),
  ];
  scans[2] = { host: 'edge', units: [up('haproxy', 0), up('snap', 0, '0.9')] };
  scans[5] = { host: 'db3', error: 'connection refused' };
  const items = computeDrift(I, scans);
  // Hints are pasteable: a version with shell syntax in it stays one word.
  assert.match(
    renderDiff(
      [
        {
          ...items.find((i) => i.type === 'version')!,
          wanted: '1.0;touch X $(touch Y)',
        } as DriftItem,
      ],
      ['salvo', '-s', 'my file.yaml'],
    ),
    /→ salvo -s 'my file\.yaml' upgrade hub --version '1\.0;touch X \$\(touch Y\)' -H web1\n/,
  );
  assert.deepEqual(items.map((i) => i.type).sort(), [
    'extra',
    'extra',
    'missing',
    'unknown',
    'version',
    'version',
  ]);
  assert.equal(
    renderDiff(items),
    [
      '+ hub#1 web1: not running (file: 1.0)  → salvo start hub -H web1',
      "~ hub#0 web[1-2]: runs 2.0, file says 1.0  → salvo upgrade hub --version 1.0 -H 'web[1-2]'",
      '- hub#2 web2: runs 1.0 but the services file does not list it here',
      '- snap#0 edge: runs 0.9 but the services file does not list it here',
      '? db3: could not look: connection refused',
      '1 to start, 2 on another version, 2 outside the services file, 1 hosts not looked at',
      '',
    ].join('\n'),
  );
  assert.equal(driftExitCode(items), 3);
});
