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
