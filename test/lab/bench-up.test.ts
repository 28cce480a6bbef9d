// Up and down times. Skipped unless SALVO_LAB_BENCH is set, e.g. SALVO_LAB_BENCH=5,20,50,200.
import { test } from 'node:test';
import { labDown, labUp } from '../../admin/lab/index.js';
import { NEEDS_ROOT, tempLabDir } from './helpers.js';

const sizes = (process.env.SALVO_LAB_BENCH ?? '').split(',').filter(Boolean).map(Number);

test('lab bring-up and teardown times', {
  skip: NEEDS_ROOT || (sizes.length === 0 && 'set SALVO_LAB_BENCH=5,20,50'),
}, async (t) => {
  for (const n of sizes) {
    const dir = await tempLabDir();
    try {
      const t0 = performance.now();
      await labUp({ hosts: n, dir });
      const up = performance.now() - t0;
      const t1 = performance.now();
      await labDown(dir);
      t.diagnostic(
        `${n} hosts: up ${(up / 1000).toFixed(2)} s, down ${((performance.now() - t1) / 1000).toFixed(2)} s`,
      );
    } finally {
      await labDown(dir);
    }
  }
});
