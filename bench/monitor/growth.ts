// The soak's "no growth" rule, pure (unit-tested in test/bench/monitor-growth.test.ts).
// Samples taken after the warm-up (the first scans load modules and fill caches) are split into
// a first and a last window of W = min(10 min, a third of the soak). Growth is the median of the
// last window minus the median of the first; the noise is the spread of the first window (its
// 90th minus its 10th percentile), at least `floor`. No growth: growth ≤ noise. The least-squares
// slope over every sample after the warm-up is reported too (per hour), for the reader.

export interface Sample {
  /** Seconds since the soak started. */
  t: number;
  value: number;
}

export interface Growth {
  windowS: number;
  first: { n: number; median: number; p10: number; p90: number };
  last: { n: number; median: number };
  growth: number;
  noise: number;
  slopePerHour: number;
  ok: boolean;
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** null when there are too few samples to have two windows (fewer than 3 in either). */
export function growthOf(samples: Sample[], floor: number, maxWindowS = 600): Growth | null {
  if (samples.length < 6) {
    return null;
  }
  const t0 = samples[0]!.t;
  const t1 = samples.at(-1)!.t;
  const windowS = Math.min(maxWindowS, (t1 - t0) / 3);
  const first = samples
    .filter((s) => s.t <= t0 + windowS)
    .map((s) => s.value)
    .sort((a, b) => a - b);
  const last = samples
    .filter((s) => s.t >= t1 - windowS)
    .map((s) => s.value)
    .sort((a, b) => a - b);
  if (first.length < 3 || last.length < 3) {
    return null;
  }
  const n = samples.length;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mv = samples.reduce((a, s) => a + s.value, 0) / n;
  const sxx = samples.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  const sxy = samples.reduce((a, s) => a + (s.t - mt) * (s.value - mv), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  const f = { median: quantile(first, 0.5), p10: quantile(first, 0.1), p90: quantile(first, 0.9) };
  const growth = quantile(last, 0.5) - f.median;
  const noise = Math.max(floor, f.p90 - f.p10);
  return {
    windowS: round(windowS),
    first: { n: first.length, median: round(f.median), p10: round(f.p10), p90: round(f.p90) },
    last: { n: last.length, median: round(quantile(last, 0.5)) },
    growth: round(growth),
    noise: round(noise),
    slopePerHour: round(slope * 3600),
    ok: growth <= noise,
  };
}
