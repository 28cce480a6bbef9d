// The fan-out bench's warm targets (bench/fanout/report.ts): `true` ≤ 0.05 s and `uptime` ≤ 0.3 s
// on 200 hosts, each shown with the same round's no-SSH floor measured in the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FLOOR_TRUE,
  FLOOR_UPTIME,
  row,
  SALVO_WARM,
  SALVO_WARM_UPTIME,
  targets,
} from '../../bench/fanout/report.js';

const runs = (...s: number[]) => s.map((wallS) => ({ wallS, ok: true, load1: 0 }));

test('warm targets: the issue limits, the floor of the same run beside each', () => {
  const rows = [
    row('warm', SALVO_WARM, 200, runs(0.04, 0.05, 0.06)),
    row('warm', SALVO_WARM_UPTIME, 200, runs(0.5, 0.6, 0.7)),
    row('warm', FLOOR_TRUE, 200, runs(0.01, 0.02, 0.03)),
    row('warm', FLOOR_UPTIME, 200, runs(0.4, 0.45, 0.5)),
  ];
  const warm = targets(rows, [200]).filter((t) => t.what.startsWith('salvo warm'));
  assert.deepEqual(
    warm.map((t) => [t.what, t.value, t.limit, t.verdict, t.floor]),
    [
      ['salvo warm `true` on 200 hosts ≤ 0.05 s', 0.05, 0.05, 'PASS', 0.02],
      ['salvo warm `uptime` on 200 hosts ≤ 0.3 s', 0.6, 0.3, 'MISS', 0.45],
    ],
  );
});

test('no warm rows: the warm targets say n/a, not PASS', () => {
  const warm = targets([], [200]).filter((t) => t.what.startsWith('salvo warm'));
  assert.deepEqual(
    warm.map((t) => t.verdict),
    ['n/a', 'n/a'],
  );
});

test('cold targets per size: level with the best peer at 20 hosts, 0.85x of it and 1.0x the loop from 50', () => {
  const cold = (tool: string, n: number, s: number, peer = true) =>
    row('cold', tool, n, runs(s), { peer });
  const rows = [
    cold('salvo exec', 20, 0.9, false),
    cold('ssh loop', 20, 0.85, false),
    cold('pdsh', 20, 1.0),
    cold('pssh', 20, 1.2),
    cold('salvo exec', 200, 8.8, false),
    cold('ssh loop', 200, 9.0, false),
    cold('pdsh', 200, 10.0),
  ];
  const t = targets(rows, [20, 200]).filter((x) => x.what.startsWith('salvo exec'));
  assert.deepEqual(
    t.map((x) => [x.what, Number(x.value?.toFixed(3)), x.verdict, x.against]),
    [
      ['salvo exec (cold), 20 hosts ≤ 1.10× ssh loop', 1.059, 'PASS', undefined],
      ['salvo exec (cold), 20 hosts ≤ 1.00× best of pdsh/pssh/clush/ansible', 0.9, 'PASS', 'pdsh'],
      ['salvo exec (cold), 200 hosts ≤ 1.00× ssh loop', 0.978, 'PASS', undefined],
      [
        'salvo exec (cold), 200 hosts ≤ 0.85× best of pdsh/pssh/clush/ansible',
        0.88,
        'MISS',
        'pdsh',
      ],
    ],
  );
});
