// `backup prune`: retention per series on its target. The selection is pure (retention.ts); the
// removal runs on the target under the series lock (a series being written is skipped, not
// waited for), never removes the snapshot `latest` points at, and skips a snapshot a restore is
// reading (the restore holds a shared flock on its INFO). A snapshot is renamed away before it
// is deleted, so a half-deleted one never looks complete.
import pLimit from 'p-limit';
import { cmd } from '../transport/command.js';
import { runOn, whyFailed, type BackupContext } from './context.js';
import { byTarget } from './plan.js';
import { selectSnapshots } from './retention.js';
import type { PruneReport, PruneResult, Series } from './types.js';

export const NAMES_SCRIPT = `
for d in "$@"; do
  echo "SERIES $d"
  [ -d "$d" ] && for s in "$d"/*/INFO; do [ "$s" != "$d/latest/INFO" ] && [ -f "$s" ] && echo "SNAP $(basename "$(dirname "$s")")"; done
  echo "LATEST $(readlink "$d/latest" 2>/dev/null)"
done
`;

const REMOVE_SCRIPT = `
d=$1; shift
cd "$d" || exit 1
exec 9>>.lock
flock -n 9 || { echo "SALVO-BUSY"; exit 0; }
latest=$(readlink latest 2>/dev/null)
for s in "$@"; do
  [ "$s" = "$latest" ] && { echo "SALVO-KEPT $s latest"; continue; }
  [ -f "$s/INFO" ] || continue
  if flock -n -x "$s/INFO" mv -T "$s" ".del-$s"; then rm -rf ".del-$s" && echo "SALVO-REMOVED $s"
  else echo "SALVO-KEPT $s reading"; fi
done
`;

export async function pruneSeries(
  ctx: BackupContext,
  series: Series[],
  o: {
    dryRun: boolean;
    /** Series id → its snapshots as a run's commit just listed them (no listing round trip). */
    listings?: Map<string, { snapshots: string[]; latest: string }>;
  },
): Promise<PruneResult> {
  const limit = pLimit(16);
  const reports: PruneReport[] = [];
  await Promise.all(
    [...byTarget(series)].map(([target, ss]) =>
      limit(async () => {
        const unknown = ss.filter((s) => !o.listings?.has(s.id));
        const r = unknown.length
          ? await runOn(
              ctx,
              target,
              cmd('sh', '-c', NAMES_SCRIPT, 'salvo-names', ...unknown.map((s) => s.dir)),
              { timeoutMs: 60_000 },
            )
          : undefined;
        const names = r === undefined || r.ok ? parseNames(r?.stdout ?? '') : undefined;
        for (const s of ss) {
          const base = { series: s.id, target, keep: [], remove: [], removed: [] };
          const n = o.listings?.get(s.id) ?? names?.get(s.dir);
          if (!n) {
            reports.push({ ...base, skipped: names || !r ? 'no such series' : whyFailed(r) });
            continue;
          }
          const sel = selectSnapshots(n.snapshots, s.retention);
          const keep =
            n.latest && !sel.keep.includes(n.latest) ? [...sel.keep, n.latest] : sel.keep;
          const remove = sel.remove.filter((x) => x !== n.latest);
          const report: PruneReport = { ...base, keep, remove, removed: [] };
          if (!o.dryRun && remove.length) {
            const rr = await runOn(
              ctx,
              target,
              cmd('sh', '-c', REMOVE_SCRIPT, 'salvo-prune', s.dir, ...remove),
              {
                timeoutMs: 600_000,
              },
            );
            report.removed = [...rr.stdout.matchAll(/^SALVO-REMOVED (\S+)$/gm)].map((m) => m[1]!);
            if (/^SALVO-BUSY$/m.test(rr.stdout)) {
              report.skipped = 'a run holds the series now';
            } else if (!rr.ok) {
              report.skipped = whyFailed(rr);
            }
            if (report.removed.length) {
              ctx.onEvent?.({ kind: 'pruned', series: s.id, target, removed: report.removed });
            }
          }
          reports.push(report);
        }
      }),
    ),
  );
  const order = new Map(series.map((s, i) => [s.id, i]));
  reports.sort((a, b) => order.get(a.series)! - order.get(b.series)!);
  return { dryRun: o.dryRun, reports };
}

export function parseNames(stdout: string): Map<string, { snapshots: string[]; latest: string }> {
  const out = new Map<string, { snapshots: string[]; latest: string }>();
  let cur: { snapshots: string[]; latest: string } | undefined;
  for (const line of stdout.split('\n')) {
    const [tag, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (tag === 'SERIES') {
      cur = { snapshots: [], latest: '' };
      out.set(value, cur);
    } else if (tag === 'SNAP' && cur) {
      cur.snapshots.push(value);
    } else if (tag === 'LATEST' && cur) {
      cur.latest = value;
    }
  }
  return out;
}
