// The matrix names a dead host exactly, separates lone failed pairs and one-way pairs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeMatrix, matrixGrid, type Pair } from '../../admin/tinc/matrix.js';
import { endpointsToRestart } from '../../admin/tinc/ops/repair.js';

const HOSTS = ['cloud1', 'cloud2', 'cloud3', 'cloud4', 'cloud5'];

function pairs(fails: (from: string, to: string) => boolean): Pair[] {
  return HOSTS.flatMap((from) =>
    HOSTS.filter((to) => to !== from).map((to) => ({ from, to, ok: !fails(from, to) })),
  );
}

test('all pairs work: ok, nothing named', () => {
  const m = analyzeMatrix(
    HOSTS,
    pairs(() => false),
    [],
  );
  assert.equal(m.ok, true);
  assert.deepEqual([m.down, m.failed, m.asymmetric], [[], [], []]);
});

test('one dead tincd: exactly that host is down, no other failure is reported', () => {
  const m = analyzeMatrix(
    HOSTS,
    pairs((a, b) => a === 'cloud3' || b === 'cloud3'),
    [],
  );
  assert.equal(m.ok, false);
  assert.deepEqual(m.down, ['cloud3']);
  assert.deepEqual(m.failed, []);
});

test('a lone broken pair and a one-way pair', () => {
  const m = analyzeMatrix(
    HOSTS,
    pairs(
      (a, b) =>
        (a === 'cloud1' && b === 'cloud4') ||
        (a === 'cloud4' && b === 'cloud1') ||
        (a === 'cloud2' && b === 'cloud5'),
    ),
    [],
  );
  assert.deepEqual(m.down, []);
  assert.deepEqual(
    m.failed.map((p) => `${p.from}>${p.to}`),
    ['cloud1>cloud4', 'cloud2>cloud5', 'cloud4>cloud1'],
  );
  assert.deepEqual(m.asymmetric, [['cloud5', 'cloud2']]);
  assert.deepEqual(endpointsToRestart(m), ['cloud1', 'cloud2']);
});

test('nothing works at all: no host is singled out as down', () => {
  const m = analyzeMatrix(
    HOSTS,
    pairs(() => true),
    [],
  );
  assert.deepEqual(m.down, []);
  assert.equal(m.failed.length, 20);
});

test('a host we cannot ask is reported and makes the matrix fail', () => {
  const some = pairs(() => false).filter((p) => p.from !== 'cloud2');
  const m = analyzeMatrix(HOSTS, some, [{ host: 'cloud2', message: 'connection refused' }]);
  assert.equal(m.ok, false);
  assert.deepEqual(m.unreachable, [{ host: 'cloud2', message: 'connection refused' }]);
});

test('the grid: rows ping, columns answer', () => {
  const m = analyzeMatrix(
    HOSTS,
    pairs((a, b) => b === 'cloud3' && a === 'cloud1'),
    [],
  );
  assert.deepEqual(matrixGrid(m), [
    '           12345',
    'cloud1   1  .X..',
    'cloud2   2 . ...',
    'cloud3   3 .. ..',
    'cloud4   4 ... .',
    'cloud5   5 .... ',
  ]);
});
