// `backup list` and `backup status`: what each target holds for each series (one command per
// target host), the current lock holder if a run holds a series now, and freshness against the
// set's max_age. Reading never takes the lock (a probe must not make a real run fail "locked"):
// the holder record names the receiving process, which is checked to be alive.
import pLimit from 'p-limit';
import { cmd } from '../transport/command.js';
import { runOn, whyFailed, type BackupContext } from './context.js';
import { byTarget, snapshotTime } from './plan.js';
import { parseHolder } from './run.js';
import type {
  ListResult,
  Series,
  SeriesListing,
  Snapshot,
  StatusResult,
  StatusRow,
} from './types.js';

export const LIST_SCRIPT = `
for d in "$@"; do
  echo "SERIES $d"
  [ -d "$d" ] || continue
  if [ -f "$d/.holder" ] && read -r p rest < "$d/.holder" && [ -r "/proc/$p/cmdline" ] \\
     && tr '\\0' ' ' < "/proc/$p/cmdline" | grep -q salvo-receive; then echo "HOLDER $rest"; fi
  for s in "$d"/*/INFO; do [ "$s" != "$d/latest/INFO" ] && [ -f "$s" ] && printf 'SNAP %s\\n' "$(tr -d '\\n' < "$s")"; done
done
exit 0
`;

export async function listSeries(ctx: BackupContext, series: Series[]): Promise<ListResult> {
  const limit = pLimit(16);
  const found = new Map<string, SeriesListing>();
  await Promise.all(
    [...byTarget(series)].map(([target, ss]) =>
      limit(async () => {
        const r = await runOn(
          ctx,
          target,
          cmd('sh', '-c', LIST_SCRIPT, 'salvo-list', ...ss.map((s) => s.dir)),
          { timeoutMs: 60_000 },
        );
        const parsed = r.ok ? parseListing(r.stdout) : undefined;
        for (const s of ss) {
          const l: SeriesListing = {
            series: s.id,
            set: s.set,
            source: s.source,
            target,
            dir: s.dir,
            snapshots: [],
            maxAgeMs: s.maxAgeMs,
          };
          const p = parsed?.get(s.dir);
          if (!parsed) {
            l.error = whyFailed(r);
          } else if (p) {
            l.snapshots = p.snapshots;
            if (p.holder) {
              l.holder = p.holder;
            }
          }
          found.set(s.id, l);
        }
      }),
    ),
  );
  return { series: series.map((s) => found.get(s.id)!) };
}

/** The listing script's output → per series dir: snapshots (oldest first) and the holder. */
export function parseListing(
  stdout: string,
): Map<string, { snapshots: Snapshot[]; holder?: ReturnType<typeof parseHolder> }> {
  const out = new Map<string, { snapshots: Snapshot[]; holder?: ReturnType<typeof parseHolder> }>();
  let cur: { snapshots: Snapshot[]; holder?: ReturnType<typeof parseHolder> } | undefined;
  for (const line of stdout.split('\n')) {
    const sp = line.indexOf(' ');
    const tag = line.slice(0, sp);
    const rest = line.slice(sp + 1);
    if (tag === 'SERIES') {
      cur = { snapshots: [] };
      out.set(rest, cur);
    } else if (tag === 'HOLDER' && cur) {
      const h = parseHolder(rest);
      if (h) {
        cur.holder = h;
      }
    } else if (tag === 'SNAP' && cur) {
      try {
        const info = JSON.parse(rest) as { name?: string; files?: number; bytes?: number };
        const time = info.name ? snapshotTime(info.name) : undefined;
        if (info.name && time) {
          cur.snapshots.push({
            name: info.name,
            time: time.toISOString(),
            files: typeof info.files === 'number' ? info.files : null,
            bytes: typeof info.bytes === 'number' ? info.bytes : null,
          });
        }
      } catch {
        // an INFO being written right now, or damaged: not a complete snapshot
      }
    }
  }
  for (const v of out.values()) {
    v.snapshots.sort((a, b) => a.name.localeCompare(b.name));
  }
  return out;
}

/** Freshness of each series: its newest snapshot's age against the set's max_age. */
export function seriesStatus(list: ListResult, now = Date.now()): StatusResult {
  const rows: StatusRow[] = list.series.map((l) => {
    const newest = l.snapshots.at(-1);
    const base = { series: l.series, target: l.target, maxAgeMs: l.maxAgeMs };
    if (l.error) {
      return { ...base, state: 'unknown', error: l.error };
    }
    if (!newest) {
      return { ...base, state: 'never' };
    }
    const ageMs = now - Date.parse(newest.time);
    return { ...base, newest: newest.name, ageMs, state: ageMs > l.maxAgeMs ? 'stale' : 'fresh' };
  });
  return { rows, stale: rows.filter((r) => r.state !== 'fresh').map((r) => r.series) };
}
