// 10,000 names must expand and fold well under 100 ms. Measured in CPU time, best of five, so
// that other test files running in parallel on a small CI box do not make it flaky.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { expandNodeSet, foldNodeSet } from '../../../admin/inventory/nodeset.js';

const BUDGET_MS = 100;

function bestCpuMs(work: () => unknown): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

describe('node-set performance (10,000 names)', () => {
  const flat = Array.from({ length: 10_000 }, (_, i) => `node${i + 1}`);
  const node = (i: number): string => String((i % 100) + 1).padStart(3, '0');
  const grid = Array.from(
    { length: 10_000 },
    (_, i) => `rack${Math.floor(i / 100) + 1}-node${node(i)}`,
  );
  const holes = grid.filter((_, i) => (i * 7919) % 13 !== 0); // not a product: the slow fold path

  const cases: [string, () => unknown, number][] = [
    ['expand node[1-10000]', () => expandNodeSet('node[1-10000]'), 10_000],
    ['expand a 100×100 grid', () => expandNodeSet('rack[1-100]-node[001-100]'), 10_000],
    ['expand with operators', () => expandNodeSet('node[1-10000]!node[1-10000/7]&node[5-9000]'), 0],
    ['fold 10,000 flat names', () => foldNodeSet(flat), 0],
    ['fold a 100×100 grid', () => foldNodeSet(grid), 0],
    ['fold a grid with holes', () => foldNodeSet(holes), 0],
  ];
  for (const [label, work, expectedLength] of cases) {
    it(label, () => {
      const result = work();
      if (expectedLength > 0) {
        assert.equal((result as string[]).length, expectedLength);
      }
      const elapsed = bestCpuMs(work);
      assert.ok(elapsed < BUDGET_MS, `${label} took ${elapsed.toFixed(1)} ms`);
    });
  }

  it('folds the flat and grid names to one range each', () => {
    assert.equal(foldNodeSet(flat), 'node[1-10000]');
    assert.equal(foldNodeSet(grid), 'rack[1-100]-node[001-100]');
  });
});
