// The one shape every benchmark reports its targets in, and the PASS/MISS rule. Each benchmark is
// its own program (dist/bench/NAME/run.js) that prints `results: FILE`; that JSON file holds
// `targets: Target[]`, which the suite collects into one table.

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface Target {
  /** What is compared, with its limit: `salvo exec (cold) ≤ 0.85× best of pdsh/pssh/clush`. */
  what: string;
  /** Fleet size the target is about, when there is one. */
  n?: number;
  value: number | null;
  limit: number;
  unit: string;
  /** `≤` (default: smaller is better) or `≥` (throughput-like). */
  direction?: 'max' | 'min';
  verdict: Verdict;
  against?: string;
}

/** PASS when the value is within the limit in the target's direction; n/a when nothing was measured. */
export function verdictOf(
  value: number | null,
  limit: number,
  direction: 'max' | 'min' = 'max',
): Verdict {
  if (value === null || !Number.isFinite(value)) {
    return 'n/a';
  }
  const within = direction === 'max' ? value <= limit : value >= limit;
  return within ? 'PASS' : 'MISS';
}

/** A target, its verdict computed. */
export function target(t: Omit<Target, 'verdict'>): Target {
  return { ...t, verdict: verdictOf(t.value, t.limit, t.direction) };
}
