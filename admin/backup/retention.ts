// Which snapshots a series keeps (pure): the newest complete one always, then the newest `last`,
// then the newest snapshot of each of the last `daily` days, `weekly` ISO weeks and `monthly`
// months that have one (rsnapshot/restic's --keep-* semantics). Names that are not snapshot
// times are never touched.
import { snapshotTime } from './plan.js';
import type { Retention } from './types.js';

export interface Selection {
  keep: string[];
  remove: string[];
}

export function selectSnapshots(names: readonly string[], r: Retention): Selection {
  const snaps = names
    .map((name) => ({ name, time: snapshotTime(name) }))
    .filter((s): s is { name: string; time: Date } => s.time !== undefined)
    .sort((a, b) => b.time.getTime() - a.time.getTime());
  const keep = new Set<string>();
  if (snaps[0]) {
    keep.add(snaps[0].name);
  }
  for (const s of snaps.slice(0, r.last)) {
    keep.add(s.name);
  }
  const periods: [number, (d: Date) => string][] = [
    [r.daily, (d) => d.toISOString().slice(0, 10)],
    [r.weekly, isoWeek],
    [r.monthly, (d) => d.toISOString().slice(0, 7)],
  ];
  for (const [count, key] of periods) {
    const seen = new Set<string>();
    for (const s of snaps) {
      if (seen.size >= count) {
        break;
      }
      const k = key(s.time);
      if (!seen.has(k)) {
        seen.add(k);
        keep.add(s.name);
      }
    }
  }
  const ordered = snaps.map((s) => s.name);
  return {
    keep: ordered.filter((n) => keep.has(n)),
    remove: ordered.filter((n) => !keep.has(n)),
  };
}

/** `2026-W49` (ISO 8601 week, UTC). */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}
