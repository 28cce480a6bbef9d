// How tinc results read: plans fold hosts with the same changes, the matrix names what failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlan } from '../../admin/cli/render/subsystems/tinc.js';
import { renderMatrix } from '../../admin/cli/render/subsystems/tinc-matrix.js';
import { analyzeMatrix, type NodePlan, type Pair } from '../../admin/tinc/index.js';

const node = (host: string, over: Partial<NodePlan> = {}): NodePlan => ({
  host,
  name: host,
  keygen: false,
  changes: [],
  action: 'none',
  pid: 1,
  ...over,
});

test('plan: identical hosts fold, host files fold by name', () => {
  const write = (path: string) => ({
    kind: 'write' as const,
    path,
    mode: 0o644,
    text: '',
    reason: 'missing',
  });
  const text = renderPlan(
    [
      node('cloud1', { changes: [write('hosts/cloud6')], action: 'reload' }),
      node('cloud2', { changes: [write('hosts/cloud6')], action: 'reload' }),
      node('cloud6', {
        changes: [
          write('tinc.conf'),
          write('hosts/cloud1'),
          write('hosts/cloud2'),
          write('hosts/cloud6'),
        ],
        action: 'start',
      }),
    ],
    ['cloud6'],
  );
  assert.equal(
    text,
    [
      'plan:',
      '  cloud[1-2] (2): write hosts/cloud6 (missing); reload tincd (SIGHUP)',
      '  cloud6 (1): generate a key pair on the host; write tinc.conf, hosts/cloud[1-2,6] (missing); start tincd',
      '',
    ].join('\n'),
  );
});

test('matrix: one line when whole; the down host and lone pairs otherwise', () => {
  const hosts = ['cloud1', 'cloud2', 'cloud3'];
  const pairs = (bad: (a: string, b: string) => boolean): Pair[] =>
    hosts.flatMap((from) =>
      hosts.filter((to) => to !== from).map((to) => ({ from, to, ok: !bad(from, to) })),
    );
  assert.equal(
    renderMatrix(
      analyzeMatrix(
        hosts,
        pairs(() => false),
        [],
        { rounds: 1, durationMs: 400 },
      ),
    ),
    'mesh: 3 hosts, 6/6 pairs ok (1 round, 0.4 s)\n',
  );
  const down = renderMatrix(
    analyzeMatrix(
      hosts,
      pairs((a, b) => a === 'cloud3' || b === 'cloud3'),
      [],
    ),
  );
  assert.match(
    down,
    /^mesh: 3 hosts, 2\/6 pairs ok \(1 round, 0\.0 s\) — FAILED\ndown: cloud3 \(no pair to or from it works\)\n$/,
  );
  const oneWay = renderMatrix(
    analyzeMatrix(
      hosts,
      pairs((a, b) => a === 'cloud1' && b === 'cloud2'),
      [],
    ),
  );
  assert.match(
    oneWay,
    /failed: cloud1 → cloud2\nasymmetric: cloud2 → cloud1 works, cloud1 → cloud2 fails\n$/,
  );
});
