// `--batch N|P%` and `--budget N|P%`: parse what the operator typed, resolve it against a unit count.
import { UsageError } from '../../errors.js';
import type { BatchSpec, Size } from '../types.js';

/** `3` → count 3, `25%` → percent 25. `allowZero` for budgets (0 = no failure tolerated). */
export function parseSize(text: string, flag: string, allowZero = false): Size {
  const m = /^(\d+)(%?)$/.exec(text.trim());
  const n = m ? Number(m[1]) : NaN;
  const min = allowZero ? 0 : 1;
  if (!m || n < min || (m[2] && n > 100)) {
    const range = allowZero ? '0 or more' : '1 or more';
    throw new UsageError(
      `${flag}: expected a count (${range}) or a percentage like 25%, got "${text}"`,
    );
  }
  return m[2] ? { kind: 'percent', p: n } : { kind: 'count', n };
}

/**
 * Percentages round down as Ansible's `serial` does; a batch always holds at least one unit, a
 * budget may be 0 ("10% of 5 units" tolerates no failure, which is what the operator would fear).
 */
export function resolveSize(size: Size, total: number, min: number): number {
  const n = size.kind === 'count' ? size.n : Math.floor((total * size.p) / 100);
  return Math.max(min, n);
}

export function resolveBatch(spec: BatchSpec, total: number): number {
  return spec.kind === 'all' ? Infinity : resolveSize(spec, total, 1);
}

export function describeSize(size: Size): string {
  return size.kind === 'count' ? String(size.n) : `${size.p}%`;
}

export function describeBatch(spec: BatchSpec): string {
  if (spec.kind === 'all') {
    return 'parallel';
  }
  if (spec.kind === 'count' && spec.n === 1) {
    return 'serial';
  }
  return `batches of ${describeSize(spec)}`;
}
