// The monitor soak's "no growth" rule (bench/monitor/growth.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { growthOf, type Sample } from '../../bench/monitor/growth.js';

/** One sample per 10 s for `minutes`, value = f(t). */
const series = (minutes: number, f: (t: number) => number): Sample[] =>
  Array.from({ length: minutes * 6 + 1 }, (_, i) => ({ t: i * 10, value: f(i * 10) }));

test('a flat series with noise is no growth; the windows are 10 min of an hour', () => {
  const g = growthOf(
    series(60, (t) => 70 + ((t / 10) % 3) * 0.5),
    1,
  )!;
  assert.equal(g.windowS, 600);
  assert.equal(g.first.n, 61);
  assert.equal(g.last.n, 61);
  assert.ok(Math.abs(g.growth) <= 0.5, String(g.growth));
  assert.equal(g.noise, 1); // spread 1 MiB (70 … 71), and the floor is 1
  assert.ok(Math.abs(g.slopePerHour) < 0.1);
  assert.equal(g.ok, true);
});

test('a steady leak beyond the first window spread is growth', () => {
  // 2 MiB per hour, noise ±0.1: the last window's median is ~1.67 MiB above the first's.
  const g = growthOf(
    series(60, (t) => 70 + (2 * t) / 3600 + ((t / 10) % 2 ? 0.1 : -0.1)),
    0.25,
  )!;
  assert.ok(g.growth > 1.5 && g.growth < 1.8, String(g.growth));
  assert.ok(Math.abs(g.slopePerHour - 2) < 0.05, String(g.slopePerHour));
  assert.equal(g.ok, false);
});

test('a noisy first window tolerates a shift within its spread; a short soak uses thirds', () => {
  const g = growthOf(
    series(15, (t) => (t < 300 ? 70 + ((t / 10) % 4) : 72)),
    1,
  )!;
  assert.equal(g.windowS, 300);
  assert.equal(g.noise, 3); // p90 − p10 of 70, 71, 72, 73 repeating (and 72 at 300 s)
  assert.equal(g.ok, true);
});

test('too few samples: no verdict', () => {
  assert.equal(
    growthOf(
      series(0, () => 1),
      1,
    ),
    null,
  );
  // Six samples, but a window of a third holds only two of them.
  assert.equal(
    growthOf(
      [0, 1, 2, 3, 4, 5].map((t) => ({ t, value: 1 })),
      1,
    ),
    null,
  );
  assert.equal(
    growthOf(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((t) => ({ t, value: 1 })),
      1,
    )?.ok,
    true,
  );
});
